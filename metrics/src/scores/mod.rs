//! Customer values: the one model of what each customer is worth and how likely they are to
//! still be buying, used by the collector's scores job (the inbox's customer block and its
//! revenue-at-risk ranking) *and* the dashboard's customer charts (CLV distribution, top
//! customers, the at-risk list), so both show the same numbers for the same customer.
//!
//! * [`values`] — [`CustomerValues::compute`]: from orders and the as-of day, per customer
//!   P(alive), the expected purchases over the next 365 days if alive, the expected order
//!   value and the annual value, in days, with the models' parameters or the fallback.
//! * [`intervals`] — the parameters' uncertainty on P(alive) and the annual value for any
//!   subset of customers (a customer's interval does not depend on who else is asked for).
//! * [`fallback`] — what a site with too few repeat buyers gets instead of the models.
//! * [`bands`] — CLV bands (quartiles of the annual value) and the at-risk rule.
//!
//! ```
//! use rapport_metrics::data::Orders;
//! use rapport_metrics::scores::{CustomerValues, Method};
//! let day = 86_400;
//! let o = Orders::from_columns(&["ann", "ann", "bob"], vec![0, 30 * day, 5 * day], vec![10.0, 20.0, 5.0]).unwrap();
//! let v = CustomerValues::compute(&o, 100);
//! // Two customers, one repeat buyer: too few to fit the models, so the fallback.
//! assert!(matches!(v.method, Method::Fallback { .. }));
//! assert_eq!(v.len(), 2);
//! assert!(v.p_alive[0] > v.p_alive[1]);
//! ```

pub mod bands;
pub mod fallback;
pub mod intervals;
pub mod values;

pub use intervals::{IntervalSettings, Intervals};
pub use values::{CustomerValues, Fitted, Method, HORIZON_DAYS};
