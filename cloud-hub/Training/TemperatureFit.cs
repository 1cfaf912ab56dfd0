namespace EdgeMlops.CloudHub.Training;

/// <summary>
/// Temperature scaling (Guo et al., 2017): the one number T that makes a classifier's probabilities honest on held-out
/// data, found by minimising the negative log-likelihood of softmax(logits / T). The NLL is convex in 1/T, so a
/// golden-section search over log T finds the minimum; argmax, and so accuracy, is unchanged by any T.
/// </summary>
public static class TemperatureFit
{
    /// <summary>Smallest and largest temperature searched: beyond these a model is broken, not miscalibrated.</summary>
    public const double MinTemperature = 0.05, MaxTemperature = 20;

    private const int Iterations = 80;

    /// <summary>The temperature minimising <see cref="NegativeLogLikelihood"/> of <paramref name="logits"/> against <paramref name="labels"/>.</summary>
    public static double Fit(IReadOnlyList<double[]> logits, IReadOnlyList<int> labels)
    {
        if (logits.Count == 0) throw new ArgumentException("No held-out examples to fit a temperature on.", nameof(logits));
        if (logits.Count != labels.Count) throw new ArgumentException("One label per row of logits is needed.", nameof(labels));
        double invPhi = (Math.Sqrt(5) - 1) / 2;
        double a = Math.Log(MinTemperature), b = Math.Log(MaxTemperature);
        double c = b - invPhi * (b - a), d = a + invPhi * (b - a);
        double fc = NegativeLogLikelihood(logits, labels, Math.Exp(c)), fd = NegativeLogLikelihood(logits, labels, Math.Exp(d));
        for (int i = 0; i < Iterations; i++)
        {
            if (fc <= fd)
            {
                (b, d, fd) = (d, c, fc);
                c = b - invPhi * (b - a);
                fc = NegativeLogLikelihood(logits, labels, Math.Exp(c));
            }
            else
            {
                (a, c, fc) = (c, d, fd);
                d = a + invPhi * (b - a);
                fd = NegativeLogLikelihood(logits, labels, Math.Exp(d));
            }
        }
        return Math.Exp((a + b) / 2);
    }

    /// <summary>Mean negative log-probability of the true label under softmax(logits / <paramref name="temperature"/>).</summary>
    public static double NegativeLogLikelihood(IReadOnlyList<double[]> logits, IReadOnlyList<int> labels, double temperature)
    {
        double total = 0;
        for (int n = 0; n < logits.Count; n++)
        {
            var z = logits[n];
            double max = double.NegativeInfinity;
            foreach (var v in z) max = Math.Max(max, v / temperature);
            double sum = 0;
            foreach (var v in z) sum += Math.Exp(v / temperature - max);
            total += max + Math.Log(sum) - z[labels[n]] / temperature;
        }
        return total / logits.Count;
    }

    /// <summary>softmax(<paramref name="logits"/> / <paramref name="temperature"/>).</summary>
    public static double[] Softmax(IReadOnlyList<double> logits, double temperature)
    {
        var p = new double[logits.Count];
        double max = logits.Max() / temperature, sum = 0;
        for (int i = 0; i < p.Length; i++) sum += p[i] = Math.Exp(logits[i] / temperature - max);
        for (int i = 0; i < p.Length; i++) p[i] /= sum;
        return p;
    }
}
