//! The kind of a detected objection, by cue words in its sentence: price,
//! timing, trust, not interested, already has one, needs to consult, else
//! other. Only sentences the learned objection detector flagged get a kind,
//! so the cues need not tell objections from other talk, only kinds apart.
//! The first kind whose cue occurs wins, in the order of `CUES` (the more
//! specific kinds first: "I need to ask my wife about the cost" is consult).

use serde::{Deserialize, Serialize};

use crate::metrics::phrases::normalize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionKind {
    Price,
    Timing,
    Trust,
    NotInterested,
    AlreadyHasOne,
    NeedsToConsult,
    Other,
}

impl ObjectionKind {
    pub const ALL: [ObjectionKind; 7] = [
        ObjectionKind::Price,
        ObjectionKind::Timing,
        ObjectionKind::Trust,
        ObjectionKind::NotInterested,
        ObjectionKind::AlreadyHasOne,
        ObjectionKind::NeedsToConsult,
        ObjectionKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ObjectionKind::Price => "price",
            ObjectionKind::Timing => "timing",
            ObjectionKind::Trust => "trust",
            ObjectionKind::NotInterested => "not_interested",
            ObjectionKind::AlreadyHasOne => "already_has_one",
            ObjectionKind::NeedsToConsult => "needs_to_consult",
            ObjectionKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<ObjectionKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind of an objection sentence.
    pub fn of(sentence: &str) -> ObjectionKind {
        let text = normalize(sentence);
        CUES.iter()
            .find(|(_, cues)| cues.iter().any(|c| text.contains(c)))
            .map_or(ObjectionKind::Other, |(kind, _)| *kind)
    }
}

/// Cue phrases per kind, normalised (` word word `), most specific first.
const CUES: [(ObjectionKind, &[&str]); 6] = [
    (
        ObjectionKind::NeedsToConsult,
        &[
            " my wife ",
            " my husband ",
            " my partner ",
            " my boss ",
            " my manager ",
            " talk to ",
            " check with ",
            " discuss ",
            " ask my ",
            " run it by ",
            " think about it ",
            " think it over ",
            " sleep on it ",
            " decision maker ",
            " not my decision ",
        ],
    ),
    (
        ObjectionKind::AlreadyHasOne,
        &[
            " already have ",
            " already has ",
            " already use ",
            " already using ",
            " already donate ",
            " already gave ",
            " already work with ",
            " already give ",
            " another company ",
            " other charities ",
            " another charity ",
            " someone else ",
            " current provider ",
            " we're covered ",
            " all set ",
            " happy with ",
        ],
    ),
    (
        ObjectionKind::Price,
        &[
            " afford ",
            " expensive ",
            " money ",
            " cost ",
            " costs ",
            " price ",
            " budget ",
            " broke ",
            " pay ",
            " paid ",
            " cheap ",
            " cheaper ",
            " financially ",
            " funds ",
            " bills ",
            " spare ",
            " income ",
            " fee ",
            " fees ",
            " dollars ",
            " cents ",
        ],
    ),
    (
        ObjectionKind::Trust,
        &[
            " scam ",
            " trust ",
            " legit ",
            " legitimate ",
            " misuse ",
            " fraud ",
            " sketchy ",
            " skeptical ",
            " sceptical ",
            " overhead ",
            " suspicious ",
            " heard of ",
            " proof ",
            " actually goes ",
            " really goes ",
            " where the money ",
            " corrupt ",
            " shady ",
            " not sure about ",
            " don't believe ",
            " doubt ",
        ],
    ),
    (
        ObjectionKind::Timing,
        &[
            " not now ",
            " later ",
            " busy ",
            " call back ",
            " call me back ",
            " next week ",
            " next month ",
            " next year ",
            " in the future ",
            " right now ",
            " not a good time ",
            " some other time ",
            " another time ",
            " at the moment ",
            " this time ",
            " maybe later ",
        ],
    ),
    (
        ObjectionKind::NotInterested,
        &[
            " not interested ",
            " no thanks ",
            " no thank you ",
            " don't want ",
            " do not want ",
            " don't need ",
            " do not need ",
            " not for me ",
            " pass ",
            " stop calling ",
            " remove me ",
            " take me off ",
            " won't ",
            " will not ",
            " not going to ",
            " rather not ",
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_cue() {
        let k = ObjectionKind::of;
        assert_eq!(
            k("Then unfortunately, I cannot give any money."),
            ObjectionKind::Price
        );
        assert_eq!(
            k("I've heard of poorly run charities that misuse the donations"),
            ObjectionKind::Trust
        );
        assert_eq!(
            k("Call me back next week, I'm busy."),
            ObjectionKind::Timing
        );
        assert_eq!(
            k("We already have a web designer."),
            ObjectionKind::AlreadyHasOne
        );
        assert_eq!(
            k("I need to talk to my wife about the cost."),
            ObjectionKind::NeedsToConsult
        );
        assert_eq!(k("I'm not interested."), ObjectionKind::NotInterested);
        assert_eq!(k("I prefer to volunteer."), ObjectionKind::Other);
        assert_eq!(
            ObjectionKind::parse("needs_to_consult"),
            Some(ObjectionKind::NeedsToConsult)
        );
    }
}
