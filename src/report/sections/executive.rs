//! Section 1: executive summary. The first screen answers the question in
//! plain words: the outcome rate, where calls are lost (the funnel), the
//! biggest lever the agents control with its size, interval and example
//! calls, and what each agent should do differently. The statistics
//! (findings that matter, standout agents, what is left out and why) follow.

use crate::report::document::{ChartKind, RateBar, Section};
use crate::report::format::{duration, pct, rate, sides};
use crate::report::sections::{agents::standout_sentences, coaching, drivers, findings, omitted};
use crate::stats::funnel::{Step, StepKind};
use crate::stats::{Summary, Target};

pub fn build(s: &Summary) -> Section {
    let mut sec = Section::new("summary", "Executive summary");
    let t = &s.totals;
    if t.calls == 0 {
        sec.paragraph("The input holds no calls, so there is nothing to report.");
        return sec;
    }
    answer(&mut sec, s);
    statistics(&mut sec, s);
    sec
}

/// The first screen: rate, funnel, lever, agents.
fn answer(sec: &mut Section, s: &Summary) {
    let all = &s.totals.all;
    let period = match (s.totals.first_day, s.totals.last_day) {
        (Some(a), Some(b)) if a == b => format!(" on {a}"),
        (Some(a), Some(b)) => format!(" from {a} to {b}"),
        _ => String::new(),
    };
    if all.conversion.n > 0 {
        sec.paragraph(format!(
            "{}: {} of the calls with a known outcome{period}.",
            findings::capitalise(&s.words.rate),
            rate(&all.conversion)
        ));
    }
    let steps: Vec<&Step> = s
        .funnel
        .steps
        .iter()
        .filter(|st| st.reached.n > 0)
        .collect();
    if let Some(line) = lost_at(s, &steps) {
        sec.subheading("Where calls are lost");
        sec.paragraph(line);
    }
    if all.conversion.n == 0 {
        funnel(sec, s, &steps);
        return;
    }
    sec.subheading("The biggest lever the agents control");
    sec.paragraph(lever(s));
    if let Some(m) = s
        .drivers
        .iter()
        .find(|d| d.target == Target::Conversion)
        .and_then(|d| d.result.as_ref().ok())
    {
        sec.paragraph(drivers::verdict(m, &s.words));
        let top = m
            .effects
            .iter()
            .find(|e| e.clear() && e.driver.controllable());
        if let (false, Some(e)) = (m.at_chance(), top) {
            sec.paragraph(format!(
                "With the other measured features held equal, the strongest controllable driver is {}: {}.",
                e.driver.label(),
                drivers::effect_text(e)
            ));
        }
    }
    let advice = agent_advice(s);
    if !advice.is_empty() {
        sec.subheading("What each agent should do differently");
        sec.bullets(advice);
    }
    funnel(sec, s, &steps);
}

/// The step where the most positive outcomes are lost, in one sentence.
fn lost_at(s: &Summary, steps: &[&Step]) -> Option<String> {
    let st = steps
        .iter()
        .filter(|st| st.matters() && st.kind != StepKind::BuyingSignal)
        .max_by(|a, b| a.lost_outcomes().total_cmp(&b.lost_outcomes()))?;
    Some(format!(
        "Most calls are lost at the step “{}”: {} of calls reach it, and those that do end {} {} of the time against {} for those that do not.",
        st.name,
        pct(st.reached.value().unwrap_or(0.0)),
        s.words.positive,
        pct(st.positive_if_reached.value().unwrap_or(0.0)),
        pct(st.positive_if_missed.value().unwrap_or(0.0))
    ))
}

/// The whole funnel: a chart and a table.
fn funnel(sec: &mut Section, s: &Summary, steps: &[&Step]) {
    if steps.is_empty() {
        return;
    }
    sec.subheading("The funnel, step by step");
    sec.chart(
        "Share of calls reaching each step (95% CI)",
        ChartKind::RateBars(
            steps
                .iter()
                .map(|st| RateBar {
                    label: st.name.clone(),
                    value: st.reached.value().unwrap_or(0.0),
                    interval: st.reached.wilson().map(|ci| (ci.low, ci.high)),
                    note: format!("{}/{}", st.reached.hits, st.reached.n),
                })
                .collect(),
        ),
    );
    let rate_word = findings::capitalise(&s.words.rate);
    sec.table(
        &[
            "Step",
            "Calls reaching it",
            &format!("{rate_word} when reached"),
            &format!("{rate_word} when missed"),
        ],
        steps
            .iter()
            .map(|st| {
                vec![
                    st.name.clone(),
                    rate(&st.reached),
                    rate(&st.positive_if_reached),
                    rate(&st.positive_if_missed),
                ]
            })
            .collect(),
    );
}

/// The controllable step with the largest clear lift, else the first
/// headline finding on an agent behaviour.
fn lever(s: &Summary) -> String {
    let step = s
        .funnel
        .steps
        .iter()
        .filter(|st| st.kind.controllable() && st.matters())
        .max_by(|a, b| a.lift().total_cmp(&b.lift()));
    if let Some(st) = step
        && let Some((d, ci)) = st.positive_if_reached.difference(&st.positive_if_missed)
    {
        return format!(
            "{}: calls where it happens end {} {} against {} when it does not, {:.0} points more (95% CI {:.0} to {:.0}){}.",
            st.name,
            s.words.positive,
            rate(&st.positive_if_reached),
            rate(&st.positive_if_missed),
            d * 100.0,
            ci.low * 100.0,
            ci.high * 100.0,
            sides(
                &s.words.positive,
                &st.reached_examples,
                &s.words.negative,
                &st.missed_examples
            )
        );
    }
    let behaviour = s.comparisons.iter().find(|c| {
        c.headline()
            && c.target == Target::Conversion
            && matches!(&c.detail, crate::stats::ComparisonDetail::Numeric(n) if n.feature.is_agent_behaviour() && (!n.feature.needs_script() || s.applicability.compliance_relates))
    });
    match behaviour {
        Some(c) => findings::sentence(c, &s.words),
        None => format!(
            "No step or behaviour the agents control goes with a clearly higher {} on this data (steps that only mark the outcome, such as a close said once the customer agreed, are not levers).",
            s.words.rate
        ),
    }
}

/// One line per ranked agent with a gap: their biggest one.
fn agent_advice(s: &Summary) -> Vec<String> {
    coaching::anchors(s)
        .keys()
        .filter_map(|agent| {
            let gap = coaching::gaps(s, agent)
                .into_iter()
                .find(|g| g.difference.1.low > 0.0)?;
            Some(format!(
                "{} (see Coaching: {agent}).",
                coaching::gap_sentence(agent, &gap)
            ))
        })
        .collect()
}

/// The figures behind the answer.
fn statistics(sec: &mut Section, s: &Summary) {
    let t = &s.totals;
    sec.subheading("The figures behind it");
    sec.paragraph(format!(
        "{} calls: {} analysed, {} failed analysis and {} not analysed (failed and unanalysed calls are counted apart, never as short or long).",
        t.calls, t.analysed, t.failed, t.not_analysed
    ));
    if t.inconsistent.calls > 0 {
        // Subheading and bullets, so the warning stands out above any
        // LLM-written narrative added to the section.
        sec.subheading(format!(
            "{} LLM answers contradict the measured calls: flagged, treat their scores with care",
            t.inconsistent.calls
        ));
        sec.bullets(
            t.inconsistent
                .examples
                .iter()
                .map(|(id, reasons)| format!("call {id}: {}", reasons.join("; ")))
                .collect(),
        );
    }
    // Bullets, not a paragraph, so an LLM narrative cannot drop them.
    sec.bullets(t.speaker_roles.lines());
    let all = &t.all;
    if all.conversion.n > 0 {
        sec.paragraph(format!(
            "{}: {} over the calls with a known outcome ({} with an unknown outcome left out).",
            findings::capitalise(&s.words.rate),
            rate(&all.conversion),
            t.outcome_unknown
        ));
    }
    if all.short.n > 0 {
        sec.paragraph(format!(
            "Short calls (under {}): {} of analysed calls with a known duration.",
            duration(s.threshold_s),
            rate(&all.short)
        ));
    }
    if all.conversion.n > 0 {
        sec.paragraph(findings::tally(s, Target::Conversion));
        sec.bullets(findings::bullets(s, Target::Conversion, 3));
        sec.bullets(standout_sentences(s));
    }
    let c = &s.compliance;
    if c.assessed_calls > 0 && s.applicability.script.applies() {
        sec.paragraph(format!(
            "Script followed on {} of assessed calls; objections rebutted {}; back to the script after {} of objections.",
            rate(&c.followed),
            rate(&c.rebutted.rate),
            rate(&c.returned_to_script.rate)
        ));
    }
    let short_findings = findings::bullets(s, Target::Shortness, 2);
    if !short_findings.is_empty() {
        sec.subheading("Short against long calls");
        sec.bullets(short_findings);
    }
    let left_out = omitted::lines(s);
    if !left_out.is_empty() {
        // A subheading, so an LLM narrative cannot drop it.
        sec.subheading("Not reported on this data, and why");
        sec.bullets(left_out);
    }
}
