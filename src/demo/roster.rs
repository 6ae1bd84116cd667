//! The cast of the synthetic data: closers with their planted traits,
//! openers, prospects' businesses and towns.

/// A closer (the agent whose call decides the outcome).
pub struct Agent {
    pub name: &'static str,
    pub team: &'static str,
    /// Probability that a call of this agent converts.
    pub conversion: f64,
    /// Probability that this agent skips the purpose statement.
    pub skips_purpose: f64,
    /// Relative share of the calls.
    pub weight: u32,
}

const fn agent(
    name: &'static str,
    team: &'static str,
    conversion: f64,
    skips_purpose: f64,
    weight: u32,
) -> Agent {
    Agent {
        name,
        team,
        conversion,
        skips_purpose,
        weight,
    }
}

/// Maria Lopez converts far more often; Tom Reed, Marcus Green and Lucas
/// Silva usually skip the purpose statement.
pub const AGENTS: [Agent; 12] = [
    agent("Maria Lopez", "Team Austin", 0.45, 0.05, 2),
    agent("James Carter", "Team Austin", 0.12, 0.10, 1),
    agent("Aisha Khan", "Team Austin", 0.13, 0.10, 1),
    agent("Tom Reed", "Team Austin", 0.11, 0.75, 1),
    agent("Priya Nair", "Team Denver", 0.12, 0.10, 1),
    agent("Daniel Kim", "Team Denver", 0.12, 0.05, 1),
    agent("Sofia Rossi", "Team Denver", 0.13, 0.10, 1),
    agent("Marcus Green", "Team Denver", 0.11, 0.80, 1),
    agent("Emily Chen", "Team Miami", 0.12, 0.10, 1),
    agent("Omar Haddad", "Team Miami", 0.12, 0.05, 1),
    agent("Grace Park", "Team Miami", 0.12, 0.10, 1),
    agent("Lucas Silva", "Team Miami", 0.11, 0.70, 1),
];

/// Openers (the LGS leg of the two-leg layout).
pub const OPENERS: [&str; 5] = ["anna.w", "ben.t", "carla.m", "dev.p", "eli.r"];

pub const BUSINESSES: [&str; 10] = [
    "plumbing",
    "roofing",
    "HVAC",
    "landscaping",
    "dental",
    "auto repair",
    "cleaning",
    "electrical",
    "pest control",
    "moving",
];

pub const CITIES: [&str; 10] = [
    "Austin", "Tulsa", "Denver", "Fresno", "Tampa", "Omaha", "Boise", "Raleigh", "Tucson", "Dayton",
];

pub const SURNAMES: [&str; 12] = [
    "Miller", "Garcia", "Johnson", "Nguyen", "Brown", "Davis", "Wilson", "Moore", "Taylor", "Lee",
    "Harris", "Clark",
];

pub const FIRST_NAMES: [&str; 10] = [
    "Bob", "Linda", "Carlos", "Mei", "Steve", "Karen", "Raj", "Nora", "Paul", "Tina",
];

/// The sum of all agents' weights.
pub fn total_weight() -> u32 {
    AGENTS.iter().map(|a| a.weight).sum()
}

/// The agent at position `pick` (in `0..total_weight()`) of the weighted roster.
pub fn agent_at(mut pick: u32) -> &'static Agent {
    for a in &AGENTS {
        if pick < a.weight {
            return a;
        }
        pick -= a.weight;
    }
    &AGENTS[AGENTS.len() - 1]
}
