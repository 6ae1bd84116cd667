//! Lines of the synthetic conversations: a timeline that times each line by
//! its length, and the phrase lists (objections, rebuttals, questions,
//! buying signals) of the generic sales playbook.

use rand::Rng;
use rand::seq::SliceRandom;

/// One spoken line with its start and end in seconds from the leg's start.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub by_agent: bool,
    pub start: f64,
    pub end: f64,
    pub text: String,
}

/// Lines in time order; each takes about 2.6 words per second plus a pause.
#[derive(Debug, Default)]
pub struct Timeline {
    pub lines: Vec<Line>,
    now: f64,
}

impl Timeline {
    pub fn now(&self) -> f64 {
        self.now
    }

    pub fn say(&mut self, rng: &mut impl Rng, by_agent: bool, text: String) {
        let words = text.split_whitespace().count() as f64;
        let start = self.now + rng.gen_range(0.3..1.2);
        let end = start + words / 2.6 + rng.gen_range(0.2..0.8);
        self.lines.push(Line {
            by_agent,
            start: round1(start),
            end: round1(end),
            text,
        });
        self.now = end;
    }

    pub fn agent(&mut self, rng: &mut impl Rng, text: String) {
        self.say(rng, true, text);
    }

    pub fn customer(&mut self, rng: &mut impl Rng, text: String) {
        self.say(rng, false, text);
    }

    /// The agent says one of `options`.
    pub fn agent_pick(&mut self, rng: &mut impl Rng, options: &[&str]) {
        let text = pick(rng, options);
        self.agent(rng, text);
    }

    /// The customer says one of `options`.
    pub fn customer_pick(&mut self, rng: &mut impl Rng, options: &[&str]) {
        let text = pick(rng, options);
        self.customer(rng, text);
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Picks one phrase.
pub fn pick(rng: &mut impl Rng, options: &[&str]) -> String {
    options.choose(rng).copied().unwrap_or_default().to_string()
}

/// An objection type of the generic playbook: the customer's line and the
/// agent's rebuttal (acknowledge, add value, ask a question).
pub struct Objection {
    pub customer: &'static [&'static str],
    pub rebuttal: &'static str,
}

pub const OBJECTIONS: [Objection; 6] = [
    Objection {
        customer: &[
            "Honestly, it's too expensive for us.",
            "That sounds too expensive.",
        ],
        rebuttal: "I understand, budget matters. Most of our clients pay for the whole year with two or three new jobs. How many new customers a month would make it worth it for you?",
    },
    Objection {
        customer: &["I'm not interested.", "Look, I'm not interested right now."],
        rebuttal: "I understand, and I appreciate you being direct. We only work with a few companies per town, so the spot may not be open later. What would have to be true for this to be worth a look?",
    },
    Objection {
        customer: &["Can you just send me an email?", "Just send me an email."],
        rebuttal: "I understand, I can do that. An email won't show you what your listing looks like today, and that takes two minutes. Can I walk you through it quickly while I have you?",
    },
    Objection {
        customer: &["I'm busy right now.", "I'm busy right now, I'm on a job."],
        rebuttal: "I understand, you're working. I'll keep it to two minutes, and it could bring you more of those jobs. Is now okay or is later today better?",
    },
    Objection {
        customer: &[
            "We already have someone for that.",
            "We already have a provider.",
        ],
        rebuttal: "I understand, a lot of our clients did too. We usually work alongside them and cover what they miss. What do you like most about what you have now?",
    },
    Objection {
        customer: &[
            "I need to talk to my partner first.",
            "I'd have to talk to my partner.",
        ],
        rebuttal: "I understand, it's a joint decision. I can send a short summary you can both look at. When are you two usually together to go over it?",
    },
];

/// Agent replies that ignore the objection and push on (no acknowledgement).
pub const PUSHES: [&str; 4] = [
    "But this is a great deal, let me just tell you about the package.",
    "Well, our packages start low and you really should hear me out.",
    "Let me just finish, we put your company on top of the search results.",
    "Anyway, the plan includes a website and a listing, it's the best on the market.",
];

/// Customer lines that end an unhandled call.
pub const HANG_UPS: [&str; 3] = [
    "No, I said no. Goodbye.",
    "I don't have time for this. Bye.",
    "Please take me off your list.",
];

/// Agent discovery questions with the customer's answer.
pub const DISCOVERY: [(&str, &str); 6] = [
    (
        "How do most of your customers find you today?",
        "Mostly word of mouth, and some people find us online.",
    ),
    (
        "How many new jobs do you take on in a typical week?",
        "Maybe eight or ten jobs a week, it depends on the season.",
    ),
    (
        "Do you have a website right now?",
        "We have a basic website my nephew made a few years ago.",
    ),
    (
        "Are you looking to grow this year, or are you at capacity?",
        "We could take on more work, especially in the slow months.",
    ),
    (
        "Which areas around town do you serve?",
        "We cover the whole county and a bit of the next one.",
    ),
    (
        "What kind of jobs would you like more of?",
        "The bigger jobs, those pay the bills.",
    ),
];

/// Agent value statements.
pub const PITCHES: [&str; 5] = [
    "We build and manage your online listing, your website and your reviews, so people nearby who search for your service find you first.",
    "Our clients in your area typically see more calls in the first sixty days, and you can see every call in a simple dashboard.",
    "Everything is done for you, you don't have to write anything or learn any software, we handle the setup and the updates.",
    "We also send a text to your past customers asking for a review, which helps you show up higher in local search.",
    "You keep ownership of the website and the listing, so nothing is lost if you ever decide to move on.",
];

/// Customer acknowledgements of a pitch.
pub const NODS: [&str; 5] = [
    "Okay.",
    "Right.",
    "Mm-hm, go on.",
    "I see.",
    "That makes sense.",
];

/// Customer questions that are not buying signals, with the agent's answer.
pub const QUESTIONS: [(&str, &str); 6] = [
    (
        "Does it include the website too?",
        "Yes, the website is included, and we update it every month.",
    ),
    (
        "How long does the setup take?",
        "Usually about a week from the day we start.",
    ),
    (
        "Can I cancel anytime?",
        "Yes, it's month to month, there is no long contract.",
    ),
    (
        "Will it show up on Google Maps?",
        "Yes, we manage your map listing as part of the plan.",
    ),
    (
        "Do I get to see the calls that come in?",
        "Absolutely, you'll see every call and message in your dashboard.",
    ),
    (
        "Who writes the content for the site?",
        "Our writers do, based on a short interview with you.",
    ),
];

/// Customer buying signals.
pub const BUYING_SIGNALS: [&str; 3] = [
    "How much would that be per month?",
    "What would the next step be?",
    "Sounds good.",
];

/// Purpose statements (the agent says why they are calling).
pub const PURPOSES: [&str; 2] = [
    "The reason for my call is that we help {business} companies in {city} get more customers from local search.",
    "I'm calling because we work with {business} companies in {city} to bring in more local customers.",
];
