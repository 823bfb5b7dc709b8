/// The config the demo uses when the bundled `sample-data/` is not at hand: the rules, `compare` and
/// `fairness` of `sample-data/mlwatch.yaml` (each rule catches one incident of the `demo` scenario), with
/// the reference learned from the first 3000 simulated events instead of the sample reference file.
public enum DemoConfig {
    public static let yaml = """
        window: {size: 10m, slide: 30s}
        lateness: 5s
        low_confidence: 0.6
        reference: {first: 3000}
        compare: {baseline: v1}
        fairness: {group_by: applicant_group, positive: 1}
        rules:
          - alert: LatencyP99High
            expr: latency_p99_ms > 250
            for: 2m
            keep_firing_for: 1m
            labels: {severity: critical}
            annotations: {summary: "p99 latency {{ $value }} ms"}
          - alert: NullOutputsHigh
            expr: output_null_rate > 0.08
            for: 1m
            labels: {severity: warning}
          - alert: CarValueDrift
            expr: drift_psi{feature="car_value", version="v1"} > 0.2
            for: 5m
            labels: {severity: warning}
          - alert: DriverTenureShift
            expr: drift_wasserstein{feature="driver_tenure", version="v1"} > 0.3
            for: 2m
            labels: {severity: warning}
          - alert: AccuracyDrop
            expr: accuracy{version="v1"} < 0.8 and labelled_total{version="v1"} > 100
            for: 5m
            labels: {severity: critical}
          - alert: BrokenProducer
            expr: malformed_lines_total > 20
            labels: {severity: info}
          - alert: CanaryOutputMix
            expr: prediction_class_share{version="v2", class="1"} > 0.8
            for: 5m
            labels: {severity: warning}
          - alert: SelectionRateGap
            expr: demographic_parity_ratio{version="v1"} < 0.8
            for: 3m
            labels: {severity: warning}
          - alert: ShadowDisagrees
            expr: shadow_agreement_rate{version="v3"} < 0.8
            for: 3m
            labels: {severity: warning}

        """
}
