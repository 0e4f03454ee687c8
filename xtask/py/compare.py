"""Reference timings for `cargo xtask bench`: lifetimes and DuckDB on the same data as Rapport.

Writes the benchmark data sets once (seeded), so Rapport's engine reads the very same files:
  bgnbd_1m.csv       x,t_x,T for 1,000,000 customers simulated from the CDNOW BG/NBD fit (weeks, 2 dp)
  pareto_23570.csv   x,t_x,T: the CDNOW summary repeated 10 times (23,570 customers)
  orders_10m.csv     customer,date,amount: 10,000,000 orders of 1,000,000 customers over 3 years
Then prints one JSON object with the measured seconds (loading the data is not timed).
"""
import json
import os
import sys
import time

import numpy as np
import pandas as pd


def simulate_bgnbd(n, r, alpha, a, b, rng):
    """BG/NBD customers: Poisson purchases at rate lam, drop out after each with prob p."""
    T = np.round(rng.uniform(27.0, 39.0, n), 2)
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    x = np.zeros(n, dtype=np.int64)
    t_x = np.zeros(n)
    t = np.zeros(n)
    active = np.arange(n)
    while active.size:
        t[active] += rng.exponential(1.0 / np.maximum(lam[active], 1e-12))
        bought = t[active] <= T[active]
        idx = active[bought]
        x[idx] += 1
        t_x[idx] = t[idx]
        alive = rng.uniform(size=idx.size) >= p[idx]
        active = idx[alive]
    t_x = np.minimum(np.round(t_x, 2), T)
    return pd.DataFrame({"x": x, "t_x": t_x, "T": T})


def write_data(out, cdnow):
    rng = np.random.default_rng(20261122)
    path = os.path.join(out, "bgnbd_1m.csv")
    if not os.path.exists(path):
        simulate_bgnbd(1_000_000, 0.2426, 4.4136, 0.7929, 2.4259, rng).to_csv(path, index=False)
    path = os.path.join(out, "pareto_23570.csv")
    if not os.path.exists(path):
        s = pd.read_csv(os.path.join(cdnow, "cdnow_customers_summary.csv"))
        s = s.rename(columns={"frequency": "x", "recency": "t_x"})[["x", "t_x", "T"]]
        pd.concat([s] * 10, ignore_index=True).to_csv(path, index=False)
    path = os.path.join(out, "orders_10m.csv")
    if not os.path.exists(path):
        n = 10_000_000
        customers = rng.integers(0, 1_000_000, n)
        # Acquisition day per customer, then orders after it: cohorts look like real stores.
        first = rng.integers(0, 3 * 365, 1_000_000)
        day = np.minimum(first[customers] + rng.exponential(120.0, n).astype(np.int64), 3 * 365 - 1)
        dates = (np.datetime64("2023-01-01") + day.astype("timedelta64[D]")).astype(str)
        amount = np.round(rng.gamma(2.0, 20.0, n), 2)
        pd.DataFrame({"customer": customers, "date": dates, "amount": amount}).to_csv(path, index=False)


def timed(fn, repeat=1):
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main():
    out, cdnow = sys.argv[1], sys.argv[2]
    only_data = len(sys.argv) > 3 and sys.argv[3] == "--data-only"
    os.makedirs(out, exist_ok=True)
    write_data(out, cdnow)
    if only_data:
        return
    from lifetimes import BetaGeoFitter, ParetoNBDFitter
    import duckdb

    results = {}
    big = pd.read_csv(os.path.join(out, "bgnbd_1m.csv"))
    secs, m = timed(lambda: BetaGeoFitter().fit(big["x"], big["t_x"], big["T"]))
    results["bgnbd_1m_lifetimes_s"] = secs
    results["bgnbd_1m_lifetimes_params"] = {k: float(v) for k, v in m.params_.items()}
    grouped = big.groupby(["x", "t_x", "T"]).size().reset_index(name="w")
    secs, _ = timed(lambda: BetaGeoFitter().fit(grouped["x"], grouped["t_x"], grouped["T"], weights=grouped["w"]))
    results["bgnbd_1m_lifetimes_weighted_s"] = secs
    results["bgnbd_1m_patterns"] = int(len(grouped))

    pareto = pd.read_csv(os.path.join(out, "pareto_23570.csv"))
    secs, m = timed(lambda: ParetoNBDFitter().fit(pareto["x"], pareto["t_x"], pareto["T"]))
    results["pareto_23570_lifetimes_s"] = secs
    results["pareto_23570_lifetimes_params"] = {k: float(v) for k, v in m.params_.items()}

    con = duckdb.connect()
    con.execute("SET threads TO 2")
    con.execute(
        "CREATE TABLE orders AS SELECT * FROM read_csv(?, columns={'customer':'INTEGER','date':'DATE','amount':'DOUBLE'}, header=true)",
        [os.path.join(out, "orders_10m.csv")],
    )
    query = """
        WITH firsts AS (SELECT customer, min(date_trunc('month', date)) AS cohort FROM orders GROUP BY customer)
        SELECT f.cohort, datediff('month', f.cohort, date_trunc('month', o.date)) AS age,
               count(DISTINCT o.customer) AS customers, sum(o.amount) AS revenue
        FROM orders o JOIN firsts f USING (customer)
        GROUP BY ALL ORDER BY ALL
    """
    secs, rows = timed(lambda: con.execute(query).fetchall(), repeat=3)
    results["cohort_10m_duckdb_s"] = secs
    results["cohort_10m_duckdb_cells"] = len(rows)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
