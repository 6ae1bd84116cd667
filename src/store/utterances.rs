//! The per-sentence detections of each call version (`utterances` table)
//! and the detector key each run used.

use rusqlite::{OptionalExtension, params};

use super::{CallKey, Result, RunId, Store, StoreError};
use crate::analyze::detect::{Detector, ObjectionKind, SentenceTag};
use crate::model::{Attribution, RoleSource, Speaker};

impl Store {
    pub fn has_utterances(&self, key: &CallKey, detector: &str) -> Result<bool> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT 1 FROM utterances WHERE call_id = ?1 AND content_hash = ?2 AND detector = ?3",
        )?;
        Ok(stmt.exists(params![key.call_id, key.content_hash, detector])?)
    }

    /// Stores the detections of one call version (replacing earlier ones).
    pub fn record_utterances(
        &self,
        key: &CallKey,
        detector: &str,
        tags: &[SentenceTag],
    ) -> Result<()> {
        let mut put = self.conn.prepare_cached(
            "INSERT OR REPLACE INTO utterances (call_id, content_hash, detector, seq, turn_index,
                turn, speaker, text, objection, objection_p, buying_signal, buying_signal_p,
                customer_question, customer_question_p, agent_question, agent_question_p,
                asks_commitment, asks_commitment_p, rebuttal, rebuttal_p, leg, role_source,
                role_confidence)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
        )?;
        for t in tags {
            let d = |d: Detector| (t.hit(d), f64::from(t.p(d)));
            let (bs, cq, aq, ac, rb) = (
                d(Detector::BuyingSignal),
                d(Detector::CustomerQuestion),
                d(Detector::AgentQuestion),
                d(Detector::AsksCommitment),
                d(Detector::Rebuttal),
            );
            put.execute(params![
                key.call_id,
                key.content_hash,
                detector,
                t.seq,
                t.turn_index,
                t.turn,
                speaker_name(t.speaker),
                t.text,
                t.objection.map(ObjectionKind::as_str),
                f64::from(t.p(Detector::Objection)),
                bs.0,
                bs.1,
                cq.0,
                cq.1,
                aq.0,
                aq.1,
                ac.0,
                ac.1,
                rb.0,
                rb.1,
                t.leg,
                t.attribution.map(|a| a.source.as_str()),
                t.attribution.map(|a| f64::from(a.confidence)),
            ])?;
        }
        Ok(())
    }

    pub fn record_run_detector(&self, run: RunId, detector: &str) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO run_detectors (run_id, detector) VALUES (?1, ?2)",
            params![run.0, detector],
        )?;
        Ok(())
    }

    /// The detector key `run` tagged with (absent for runs before detectors).
    pub fn run_detector(&self, run: RunId) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT detector FROM run_detectors WHERE run_id = ?1",
                params![run.0],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Calls `f` with each call of `run` (input order) and its detections.
    pub fn for_each_tagged_call(
        &self,
        run: RunId,
        detector: &str,
        mut f: impl FnMut(&str, Vec<SentenceTag>) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT rc.call_id, u.seq, u.turn_index, u.turn, u.speaker, u.text, u.objection,
                u.objection_p, u.buying_signal, u.buying_signal_p, u.customer_question,
                u.customer_question_p, u.agent_question, u.agent_question_p,
                u.asks_commitment, u.asks_commitment_p, u.rebuttal, u.rebuttal_p, u.leg,
                u.role_source, u.role_confidence
             FROM run_calls rc
             JOIN utterances u ON u.call_id = rc.call_id AND u.content_hash = rc.content_hash
                AND u.detector = ?2
             WHERE rc.run_id = ?1 ORDER BY rc.seq, u.seq",
        )?;
        let mut rows = stmt.query(params![run.0, detector])?;
        let mut current: Option<(String, Vec<SentenceTag>)> = None;
        while let Some(r) = rows.next()? {
            let call_id: String = r.get(0)?;
            let tag = tag_of(r)?;
            match current.as_mut() {
                Some((id, tags)) if *id == call_id => tags.push(tag),
                _ => {
                    if let Some((id, tags)) = current.take() {
                        f(&id, tags)?;
                    }
                    current = Some((call_id, vec![tag]));
                }
            }
        }
        if let Some((id, tags)) = current {
            f(&id, tags)?;
        }
        Ok(())
    }
}

fn tag_of(r: &rusqlite::Row<'_>) -> Result<SentenceTag> {
    let mut p = [0.0f32; 6];
    let mut hit = [false; 6];
    let objection: Option<String> = r.get(6)?;
    p[0] = r.get::<_, f64>(7)? as f32;
    hit[0] = objection.is_some();
    for (i, d) in Detector::ALL.iter().enumerate().skip(1) {
        let col = 8 + 2 * (i - 1);
        hit[*d as usize] = r.get(col)?;
        p[*d as usize] = r.get::<_, f64>(col + 1)? as f32;
    }
    let speaker: String = r.get(4)?;
    let source: Option<String> = r.get(19)?;
    let attribution = source
        .map(|s| -> Result<Attribution> {
            Ok(Attribution {
                source: RoleSource::parse(&s)
                    .ok_or_else(|| StoreError::Corrupt(format!("role source `{s}`")))?,
                confidence: r.get::<_, Option<f64>>(20)?.unwrap_or(0.0) as f32,
                part: None,
            })
        })
        .transpose()?;
    Ok(SentenceTag {
        seq: r.get(1)?,
        turn_index: r.get(2)?,
        turn: r.get(3)?,
        speaker: match speaker.as_str() {
            "agent" => Speaker::Agent,
            "customer" => Speaker::Customer,
            "other" => Speaker::Other,
            _ => Speaker::Unknown,
        },
        attribution,
        leg: r.get(18)?,
        text: r.get(5)?,
        objection: objection
            .map(|k| {
                ObjectionKind::parse(&k)
                    .ok_or_else(|| StoreError::Corrupt(format!("objection kind `{k}`")))
            })
            .transpose()?,
        p,
        hit,
    })
}

/// How a speaker is written in the database and exports.
pub fn speaker_name(s: Speaker) -> &'static str {
    match s {
        Speaker::Agent => "agent",
        Speaker::Customer => "customer",
        Speaker::Other => "other",
        Speaker::Unknown => "unknown",
    }
}
