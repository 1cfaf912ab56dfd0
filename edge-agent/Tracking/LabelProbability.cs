namespace EdgeMlops.EdgeAgent.Tracking;

/// <summary>A label and its probability averaged over a track's classified observations.</summary>
public readonly record struct LabelProbability(string Label, double Probability);
