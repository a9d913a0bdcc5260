//! One benchmark figure as a line that `scripts/bench.sh` collects into its
//! closing table: `figure<TAB>label<TAB><= or >=<TAB>goal<TAB>measured<TAB>unit`.
//! The benchmark commands print their own tables too; these lines are
//! what the one command's summary is made of.

/// Which side of the goal is good.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Goal {
    /// The measured figure must be at most this.
    AtMost(f64),
    /// The measured figure must be at least this.
    AtLeast(f64),
}

impl Goal {
    /// Whether `measured` meets the goal.
    pub fn met(self, measured: f64) -> bool {
        match self {
            Goal::AtMost(g) => measured <= g,
            Goal::AtLeast(g) => measured >= g,
        }
    }
}

/// The line for one figure (no trailing newline).
pub fn figure_line(label: &str, goal: Goal, measured: f64, unit: &str) -> String {
    let (op, value) = match goal {
        Goal::AtMost(g) => ("<=", g),
        Goal::AtLeast(g) => (">=", g),
    };
    let label = label.replace(['\t', '\n'], " ");
    format!("figure\t{label}\t{op}\t{value}\t{measured:.2}\t{unit}")
}

/// Prints the line for one figure.
pub fn print_figure(label: &str, goal: Goal, measured: f64, unit: &str) {
    println!("{}", figure_line(label, goal, measured, unit));
}

/// The median of `values` (the upper of the middle two for an even count;
/// 0 for none), for the benchmarks that print one of several runs.
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_middle_value() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), 3.0);
        assert_eq!(median(Vec::new()), 0.0);
    }

    #[test]
    fn a_figure_is_one_tab_separated_line() {
        assert_eq!(
            figure_line(
                "first\tsync",
                Goal::AtLeast(15000.0),
                16234.567,
                "records/s"
            ),
            "figure\tfirst sync\t>=\t15000\t16234.57\trecords/s"
        );
        assert!(Goal::AtMost(10.0).met(10.0));
        assert!(!Goal::AtLeast(2.0).met(1.9));
    }
}
