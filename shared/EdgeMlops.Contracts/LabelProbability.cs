namespace EdgeMlops.Contracts;

/// <summary>One class and the probability the classifier gave it.</summary>
/// <param name="Label">Class name as the model's labels spell it.</param>
/// <param name="Probability">In [0, 1].</param>
public sealed record LabelProbability(string Label, double Probability);
