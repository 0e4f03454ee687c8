//! The little linear algebra the covariance needs: Cholesky factor and inverse
//! of a small symmetric positive-definite matrix (3×3 or 4×4 here).

/// Lower-triangular L with L·Lᵀ = m; None when m is not positive definite.
pub(crate) fn cholesky(m: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = m.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = m[i][i] - s;
                // `!(d > 0.0)` also rejects NaN.
                if !(d > 0.0 && d.is_finite()) {
                    return None;
                }
                l[i][i] = d.sqrt();
            } else {
                l[i][j] = (m[i][j] - s) / l[j][j];
            }
        }
    }
    Some(l)
}

/// Inverse of a symmetric positive-definite matrix; None when it is not one.
// Index loops: the triangular solves read and write several rows at once.
#[allow(clippy::needless_range_loop)]
pub(crate) fn inverse_spd(m: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let l = cholesky(m)?;
    let n = l.len();
    // Columns of L⁻¹ by forward substitution, then M⁻¹ = L⁻ᵀ L⁻¹.
    let mut li = vec![vec![0.0; n]; n];
    for k in 0..n {
        for i in k..n {
            let rhs = if i == k { 1.0 } else { 0.0 };
            let s: f64 = (k..i).map(|j| l[i][j] * li[j][k]).sum();
            li[i][k] = (rhs - s) / l[i][i];
        }
    }
    let mut inv = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..n {
            inv[i][j] = (i.max(j)..n).map(|k| li[k][i] * li[k][j]).sum();
        }
    }
    inv.iter().flatten().all(|v| v.is_finite()).then_some(inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::needless_range_loop)]
    fn inverse_times_matrix_is_identity() {
        let m = vec![
            vec![4.0, 2.0, 0.6],
            vec![2.0, 3.0, -0.4],
            vec![0.6, -0.4, 2.0],
        ];
        let inv = inverse_spd(&m).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                let p: f64 = (0..3).map(|k| m[i][k] * inv[k][j]).sum();
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((p - want).abs() < 1e-14, "({i},{j}) = {p}");
            }
        }
        let l = cholesky(&m).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                let p: f64 = (0..3).map(|k| l[i][k] * l[j][k]).sum();
                assert!((p - m[i][j]).abs() < 1e-14);
            }
        }
    }

    #[test]
    fn indefinite_and_nan_matrices_are_refused() {
        assert!(cholesky(&[vec![1.0, 2.0], vec![2.0, 1.0]]).is_none());
        assert!(inverse_spd(&[vec![f64::NAN]]).is_none());
        assert!(inverse_spd(&[vec![0.0]]).is_none());
    }
}
