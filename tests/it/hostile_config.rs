//! A hostile `callscope.toml`, through the binary: the whole file is checked
//! before anything runs, and one message lists every problem (#12.15).

use crate::support::cli;

#[test]
fn every_config_problem_is_listed_in_one_message_before_anything_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut toml = String::from(
        "[analysis]\nshort_call_threshold_s = nan\nmin_effect_pp = -5.0\n\n\
         [outcomes]\nconverted = [\"SALE\"]\nnot_converted = [\"sale\"]\n\n\
         [playbook]\ncore_sections = [\"s0\", \"gone\"]\npurpose_section = \"nope\"\n",
    );
    for i in 0..250 {
        toml.push_str(&format!(
            "[[playbook.sections]]\nid = \"s{}\"\nname = \"S\"\nphrases = [\"hi\"]\n",
            i.min(248)
        ));
    }
    let config = dir.path().join("callscope.toml");
    std::fs::write(&config, toml).expect("write config");
    let out = dir.path().join("out");
    let output = cli::callscope()
        .arg("analyze")
        .arg(cli::example())
        .arg("--config")
        .arg(&config)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let expected = format!(
        "error: invalid config {}: 7 problem(s):\n  - analysis.short_call_threshold_s = NaN: expected a positive number of seconds, at most a week (604800)\n  - analysis.min_effect_pp = -5.0: expected percentage points from 0 to 100\n  - outcomes: the code `SALE` is listed in both `converted` and `not_converted`\n  - playbook: 250 sections; at most 200 are allowed\n  - playbook: the section id `s248` is used twice\n  - playbook.core_sections names `gone`, which is no section id\n  - playbook.purpose_section names `nope`, which is no section id",
        config.display()
    );
    assert_eq!(stderr.trim_end(), expected);
    assert!(!out.exists(), "nothing ran");
}
