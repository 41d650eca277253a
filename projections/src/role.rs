//! What a process's projector is doing, for `/readyz` and the metrics: one projector per
//! database holds the projector lock and folds the log; the others stand by, asking for the
//! lock at the slow poll, and take over when its holder goes away.

/// The role of this process's projector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectorRole {
    /// Waiting for the projector lock that another process holds (also before the first ask).
    Standby,
    /// Holding the projector lock: this process folds the log into the read models.
    Active,
    /// The projector has returned (shut down, or failed: see the log).
    Stopped,
}

impl ProjectorRole {
    /// The role's name as `/readyz` shows it: `standby`, `active` or `stopped`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standby => "standby",
            Self::Active => "active",
            Self::Stopped => "stopped",
        }
    }

    /// Records the role as the gauge `bedrift_projector_active`: 1 while this process holds
    /// the projector lock, 0 while it stands by or after its projector stopped. Summed over
    /// the replicas it should be exactly 1.
    pub(crate) fn record(self) {
        let active = if self == Self::Active { 1.0 } else { 0.0 };
        metrics::gauge!("bedrift_projector_active").set(active);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use metrics_exporter_prometheus::PrometheusBuilder;

    /// The gauge's value after `role` was recorded, as Prometheus would scrape it.
    fn gauge_after(role: ProjectorRole) -> String {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        metrics::with_local_recorder(&recorder, || role.record());
        handle
            .render()
            .lines()
            .find(|line| line.starts_with("bedrift_projector_active "))
            .expect("the gauge is rendered")
            .to_owned()
    }

    #[test]
    fn the_active_gauge_is_one_only_while_the_projector_holds_the_lock() {
        assert_eq!(
            gauge_after(ProjectorRole::Active),
            "bedrift_projector_active 1"
        );
        assert_eq!(
            gauge_after(ProjectorRole::Standby),
            "bedrift_projector_active 0"
        );
        assert_eq!(
            gauge_after(ProjectorRole::Stopped),
            "bedrift_projector_active 0"
        );
    }
}
