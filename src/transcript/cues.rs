//! Content evidence for who says a piece of text: a log-odds that the agent
//! (seller) rather than the customer said it, and whether a machine or a
//! third party (voicemail, phone menu, conference system) said it.
//!
//! The cues are the phenomena of sales and service calls, not the phrases of
//! one data set: the caller introduces themselves with a company and a
//! reason, hands over to a manager, asks the discovery questions and pitches;
//! the customer answers, says who they are in their own business, objects,
//! asks who is calling. Weights are log-odds; `score` sums the cues found.

use std::sync::LazyLock;

use regex::Regex;

/// A log-odds beyond this from one piece of text is not believed.
const MAX_LOG_ODDS: f64 = 4.0;
/// Log-odds of each question asked (agents ask in sales calls), capped.
const QUESTION_WEIGHT: f64 = 0.6;
const MAX_QUESTIONS: f64 = 2.0;
/// Words from which a turn counts as a pitch rather than an answer.
const LONG_TURN_WORDS: usize = 45;
const LONG_TURN_WEIGHT: f64 = 0.6;

/// What one piece of text says about its speaker.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Evidence {
    /// log P(text | agent) / P(text | customer).
    pub agent_log_odds: f64,
    /// True when a machine or system said it (voicemail, menu, conference).
    pub machine: bool,
    /// True when it hands the call to another agent ("I have my manager").
    pub handoff: bool,
    /// True when it is how a called person answers ("Hello?", "speaking").
    pub answers_phone: bool,
    /// True when it greets like a business taking a call ("thank you for
    /// calling", "how can I help"): the agent of an inbound call, or the
    /// customer of an outbound one.
    pub inbound_greeting: bool,
    /// True when the speaker introduces themselves as the caller.
    pub outbound_intro: bool,
}

struct Cue {
    pattern: Regex,
    weight: f64,
}

fn cues(list: &[(&str, f64)]) -> Vec<Cue> {
    list.iter()
        .map(|(p, w)| Cue {
            pattern: Regex::new(&format!(r"(?i)\b(?:{p})\b")).expect("valid cue pattern"),
            weight: *w,
        })
        .collect()
}

fn regex(pattern: &str) -> Regex {
    Regex::new(&format!(r"(?i)\b(?:{pattern})\b")).expect("valid cue pattern")
}

static ROLE_CUES: LazyLock<Vec<Cue>> = LazyLock::new(|| {
    cues(&[
        // The caller introduces themselves with a company and a reason.
        (
            r"calling (?:from|with|on behalf of)|i'?m calling (?:because|about|to)",
            3.0,
        ),
        (
            r"(?:my name is|this is|i'?m) \w+(?: \w+)? (?:with|from|at|of) ",
            2.5,
        ),
        (
            r"(?:area|account|regional|sales|general) managers? (?:of|for|at|with|from)",
            2.5,
        ),
        (
            r"(?:reason|purpose) (?:for|of) (?:my|this|the|our) call|reason (?:i'?m|we'?re|i am|we are) calling",
            3.0,
        ),
        (r"my name is", 1.2),
        // Handing over or bringing in a colleague.
        (
            r"(?:i|we) (?:do )?have (?:here )?my (?:manager|supervisor|colleague|senior)|my (?:manager|supervisor|assistant|colleague)'?s? (?:name|is on|on the line|here)|(?:transfer|connect) you|pass you (?:over )?to|asked my (?:assistant|colleague|sister|team)",
            2.5,
        ),
        // Discovery questions and the pitch.
        (
            r"how long (?:have|has) (?:you|your)|how do you (?:usually |normally |currently )?(?:get|generate|find|promote|advertise)",
            1.8,
        ),
        (
            r"are you the (?:owner|decision maker|person)|is this the (?:owner|business)|do you (?:currently )?(?:use|have|run|work with|advertise)",
            1.5,
        ),
        (
            r"(?:we'?re|we are) (?:looking for|reaching out|helping|working)|we (?:help|work with|offer|provide)|our (?:company|clients|customers|service|services|team|program|website)",
            1.5,
        ),
        (
            r"(?:a few|some|couple of) (?:quick )?questions|(?:can|may) i ask|let me ask|just (?:want|wanted) to ask",
            1.5,
        ),
        (
            r"thank you for your time|thanks for your time|let me (?:check|look|pull|see)|your (?:account|order|number|address|email)",
            1.2,
        ),
        (
            r"how are you (?:doing )?(?:today|this (?:morning|afternoon|evening))",
            1.0,
        ),
        (
            r"perfect|awesome|excellent|wonderful|fantastic|congratulations|i appreciate",
            0.6,
        ),
        // The customer: who they are, objections, questions about the caller.
        (
            r"i'?m (?:the|an?) owner|i am (?:the|an?) owner|i own (?:the|this|a)|(?:it'?s|its) my (?:business|company)",
            -2.5,
        ),
        (
            r"my (?:business|company|shop|customers|clients|wife|husband|partner|guys|crew)",
            -1.5,
        ),
        (
            r"not interested|(?:we|i) already have|don'?t need|no thank you|no thanks|take me off|stop calling|i'?m (?:busy|driving|at work)|call (?:me )?back (?:later|another)",
            -2.2,
        ),
        (
            r"who (?:is|'?s) (?:this|calling)|what company|where are you calling from|how did you get (?:my|this) number",
            -2.5,
        ),
        (
            r"how much (?:is|does|will|would|do)|what does it cost|send me (?:an? )?(?:email|information|info|text)",
            -1.5,
        ),
        (
            r"word of mouth|referrals?|i'?ve been (?:in|doing)|we'?ve been (?:in|doing)|(?:i|we) do (?:mostly|mainly)",
            -1.8,
        ),
        (
            r"speaking|this is (?:he|she|him|her)|yes it is|that'?s me",
            -2.0,
        ),
        (
            r"my (?:account|order|bill|internet|phone|card|package|payment|service) (?:is|isn'?t|was|won'?t|doesn'?t|has)",
            -1.5,
        ),
        (
            r"(?:i'?m|i am) (?:doing )?(?:good|well|fine|great|okay)",
            -0.8,
        ),
    ])
});

static MACHINE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"leave (?:me )?(?:a|your) (?:message|name)|after the (?:tone|beep)|is not available|voice ?mail|mailbox|press (?:one|two|three|zero|pound|star|\d)|para espa(?:ñ|n)ol|your call is (?:important|being)|please (?:stay on the line|hold)|(?:kicked from|joined|left) (?:this|the) conference|you are now the only|the person you (?:are|have) (?:trying|called)|(?:is not|no longer) in service|has been forwarded|record your message|at the tone",
    )
});

static HANDOFF: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:i|we) (?:do )?have (?:here )?(?:my|our) (?:manager|supervisor|senior|colleague)|my (?:manager|supervisor)'?s? (?:name|is on|on the line|here|is here)|(?:transfer|connect) you (?:to|with)|pass you (?:over )?to|(?:manager|supervisor) on the line|i'?ll let (?:my|our|you|him|her)|asked my (?:assistant|colleague|sister|team) to call",
    )
});

static SHORT_CUSTOMER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\W*(?:hello|yes|yeah|yep|yup|correct|sure|uh[- ]huh|mhm|mm[- ]hmm|no|nope|right|i see|go ahead)\W*$")
        .expect("valid pattern")
});

static ANSWER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\W*(?:(?:hello|hi|yes|yeah|yep|speaking|this is \w+|\w+ speaking)\W*){1,3}$")
        .expect("valid pattern")
});

static INBOUND: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"thank you for calling|thanks for calling|how (?:can|may) i (?:help|assist)")
});

static OUTBOUND: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"calling (?:from|with|on behalf of)|i'?m calling (?:because|about|to)|(?:my name is|this is|i'?m) \w+(?: \w+)? (?:with|from) |(?:reason|purpose) (?:for|of) (?:my|this|the|our) call",
    )
});

/// The evidence in `text` (one sentence, line or turn).
pub(crate) fn score(text: &str) -> Evidence {
    let text = text.replace(['\u{2019}', '\u{2018}'], "'");
    let mut log_odds: f64 = ROLE_CUES
        .iter()
        .filter(|c| c.pattern.is_match(&text))
        .map(|c| c.weight)
        .sum();
    let questions = text.matches('?').count() as f64;
    log_odds += QUESTION_WEIGHT * questions.min(MAX_QUESTIONS);
    let words = text.split_whitespace().count();
    if SHORT_CUSTOMER.is_match(&text) {
        log_odds -= 1.2;
    } else if words >= LONG_TURN_WORDS && log_odds >= 0.0 {
        log_odds += LONG_TURN_WEIGHT;
    }
    Evidence {
        agent_log_odds: log_odds.clamp(-MAX_LOG_ODDS, MAX_LOG_ODDS),
        machine: MACHINE.is_match(&text),
        handoff: HANDOFF.is_match(&text),
        answers_phone: ANSWER.is_match(&text),
        inbound_greeting: INBOUND.is_match(&text),
        outbound_intro: OUTBOUND.is_match(&text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callers_and_customers() {
        assert!(
            score("Hi, this is Maria with Acme, calling about your listing.").agent_log_odds > 2.0
        );
        assert!(score("How long have you been in business?").agent_log_odds > 1.0);
        assert!(score("I'm the owner. Word of mouth mostly.").agent_log_odds < -2.0);
        assert!(score("Who is this?").agent_log_odds < -1.0);
        assert!(score("Yeah.").agent_log_odds < 0.0);
        assert!(score("Please leave a message after the tone.").machine);
        assert!(score("I do have here my manager, Art.").handoff);
        assert!(score("Hello?").answers_phone);
        assert!(!score("Hello, how long have you been open?").answers_phone);
    }
}
