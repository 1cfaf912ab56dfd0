namespace EdgeMlops.EdgeAgent.Sampling;

/// <summary>
/// The calibration a model package carries (<see cref="Packaging.ModelMonitoring.Temperature"/>): each probability
/// raised to 1/T and renormalised, i.e. softmax(log p / T). Worked in log space so tiny probabilities and large
/// 1/T neither underflow nor overflow.
/// </summary>
public static class TemperatureScaling
{
    /// <summary>Writes the calibrated probabilities of <paramref name="probabilities"/> into <paramref name="calibrated"/>.</summary>
    public static void Calibrate(ReadOnlySpan<float> probabilities, double temperature, Span<double> calibrated)
    {
        if (calibrated.Length < probabilities.Length)
            throw new ArgumentException($"{calibrated.Length} places for {probabilities.Length} probabilities.", nameof(calibrated));
        if (!(temperature > 0) || !double.IsFinite(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "A temperature must be a positive number.");
        double inverse = 1 / temperature, max = double.NegativeInfinity;
        for (int i = 0; i < probabilities.Length; i++)
        {
            calibrated[i] = probabilities[i] > 0 ? Math.Log(probabilities[i]) * inverse : double.NegativeInfinity;
            max = Math.Max(max, calibrated[i]);
        }
        if (double.IsNegativeInfinity(max))
        {
            // No probability at all (a broken output): nothing to prefer, so nothing to be confident of.
            calibrated[..probabilities.Length].Fill(1.0 / probabilities.Length);
            return;
        }
        double sum = 0;
        for (int i = 0; i < probabilities.Length; i++) sum += calibrated[i] = Math.Exp(calibrated[i] - max);
        for (int i = 0; i < probabilities.Length; i++) calibrated[i] /= sum;
    }
}
