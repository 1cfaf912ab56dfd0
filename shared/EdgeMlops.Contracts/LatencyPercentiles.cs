namespace EdgeMlops.Contracts;

/// <summary>Latency percentiles of one pipeline stage over an interval, in milliseconds.</summary>
public sealed record LatencyPercentiles(double P50, double P95, double P99);
