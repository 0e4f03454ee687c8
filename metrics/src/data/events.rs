//! Product events `(user_id, event, timestamp[, session_id][, property])` for funnels.

use std::io::Read;

use serde::{Deserialize, Serialize};

use super::csv::{for_each_record, Source};
use super::date_column::Lookahead;
use super::error::{DataError, Parsed};
use super::intern::Interner;
use super::rows::{find_column, header_names, ReadOptions, RowChecker};

/// Events as interned columns, in input order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Events {
    /// User index of each event (into `user_ids`).
    pub user: Vec<u32>,
    /// Event-name index of each event (into `event_names`).
    pub event: Vec<u32>,
    /// Seconds since the Unix epoch.
    pub timestamp: Vec<i64>,
    /// Session index of each event (into `session_ids`), when a session column was read.
    pub session: Option<Vec<u32>>,
    /// Breakdown property index of each event (into `property_values`), when read.
    pub property: Option<Vec<u32>>,
    /// User ids.
    pub user_ids: Vec<Box<str>>,
    /// Event names.
    pub event_names: Vec<Box<str>>,
    /// Session ids.
    pub session_ids: Vec<Box<str>>,
    /// Property values (an empty cell is the value `""`).
    pub property_values: Vec<Box<str>>,
}

impl Events {
    /// Builds events from parallel string columns.
    ///
    /// ```
    /// use rapport_metrics::data::Events;
    /// let e = Events::from_columns(&["u1", "u1"], &["view", "buy"], vec![0, 60]).unwrap();
    /// assert_eq!(e.event_names.len(), 2);
    /// ```
    pub fn from_columns<S: AsRef<str>, E: AsRef<str>>(
        users: &[S],
        events: &[E],
        timestamps: Vec<i64>,
    ) -> Result<Events, DataError> {
        if users.len() != events.len() || events.len() != timestamps.len() {
            return Err(DataError::Columns(format!(
                "column lengths differ: {} users, {} events, {} timestamps",
                users.len(),
                events.len(),
                timestamps.len()
            )));
        }
        let mut u = Interner::default();
        let mut e = Interner::default();
        Ok(Events {
            user: users
                .iter()
                .map(|s| u.intern(s.as_ref()))
                .collect::<Result<_, _>>()?,
            event: events
                .iter()
                .map(|s| e.intern(s.as_ref()))
                .collect::<Result<_, _>>()?,
            timestamp: timestamps,
            user_ids: u.finish(),
            event_names: e.finish(),
            ..Default::default()
        })
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        self.user.len()
    }

    /// True when there are no events.
    pub fn is_empty(&self) -> bool {
        self.user.is_empty()
    }
}

/// Which header columns hold what; a field left out keeps its default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EventColumns {
    /// User id column.
    pub user: String,
    /// Event name column.
    pub event: String,
    /// Timestamp column.
    pub timestamp: String,
    /// Optional session id column.
    #[serde(default)]
    pub session: Option<String>,
    /// Optional breakdown property column.
    #[serde(default)]
    pub property: Option<String>,
}

impl Default for EventColumns {
    fn default() -> Self {
        EventColumns {
            user: "user_id".into(),
            event: "event".into(),
            timestamp: "timestamp".into(),
            session: None,
            property: None,
        }
    }
}

/// Options of [`parse_events_csv`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EventsCsvOptions {
    /// Column mapping.
    pub columns: EventColumns,
    /// Dates, "now", delimiter, bad-row policy.
    pub read: ReadOptions,
}

/// Reads an events CSV held in memory.
pub fn parse_events_csv(
    input: &[u8],
    opts: &EventsCsvOptions,
) -> Result<Parsed<Events>, DataError> {
    read_events(Source::Slice(input), opts)
}

/// Reads an events CSV from a stream.
pub fn read_events_csv(
    mut reader: impl Read,
    opts: &EventsCsvOptions,
) -> Result<Parsed<Events>, DataError> {
    read_events(Source::Reader(&mut reader), opts)
}

fn read_events(source: Source<'_>, opts: &EventsCsvOptions) -> Result<Parsed<Events>, DataError> {
    let mut state: Option<(RowChecker<'_>, [Option<usize>; 5])> = None;
    let (mut users, mut names, mut sessions, mut props) = (
        Interner::default(),
        Interner::default(),
        Interner::default(),
        Interner::default(),
    );
    let mut out = Events::default();
    let (mut session, mut property) = (Vec::new(), Vec::new());
    let lookahead = Lookahead::of(&source, opts.read.delimiter);
    for_each_record(source, opts.read.delimiter, |line, rec| {
        let Some((ck, cols)) = state.as_mut() else {
            let h = header_names(rec);
            let c = &opts.columns;
            let cols = [
                Some(find_column(&h, &c.user)?),
                Some(find_column(&h, &c.event)?),
                Some(find_column(&h, &c.timestamp)?),
                c.session
                    .as_deref()
                    .map(|n| find_column(&h, n))
                    .transpose()?,
                c.property
                    .as_deref()
                    .map(|n| find_column(&h, n))
                    .transpose()?,
            ];
            state = Some((RowChecker::with_lookahead(&opts.read, h, lookahead), cols));
            return Ok(());
        };
        if rec.is_blank() {
            return Ok(());
        }
        ck.report.rows_read += 1;
        if !ck.shape(line, rec)? {
            return Ok(());
        }
        let [Some(uc), Some(ec), Some(tc), sc, pc] = *cols else {
            return Ok(());
        };
        let Some(user) = ck.text(line, uc, rec.get(uc))? else {
            return Ok(());
        };
        let Some(event) = ck.text(line, ec, rec.get(ec))? else {
            return Ok(());
        };
        let Some(t) = ck.date(line, tc, rec.get(tc))? else {
            return Ok(());
        };
        // Optional columns: an empty cell is a value of its own, not an error.
        let lossy = |i: usize| String::from_utf8_lossy(rec.get(i).trim_ascii()).into_owned();
        if let Some(sc) = sc {
            session.push(sessions.intern(&lossy(sc))?);
        }
        if let Some(pc) = pc {
            property.push(props.intern(&lossy(pc))?);
        }
        out.user.push(users.intern(user)?);
        out.event.push(names.intern(event)?);
        out.timestamp.push(t);
        Ok(())
    })?;
    let Some((ck, cols)) = state else {
        return Err(DataError::Empty);
    };
    ck.finish()?;
    out.user_ids = users.finish();
    out.event_names = names.finish();
    if cols[3].is_some() {
        out.session = Some(session);
        out.session_ids = sessions.finish();
    }
    if cols[4].is_some() {
        out.property = Some(property);
        out.property_values = props.finish();
    }
    Ok(Parsed {
        data: out,
        report: ck.report,
    })
}
