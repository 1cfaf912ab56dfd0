namespace EdgeMlops.Packaging;

/// <summary>
/// Temperature calibration as the manifest describes it (<see cref="ModelMonitoring.Temperature"/>): each
/// probability raised to 1/T and renormalised, i.e. softmax(log p / T). T above 1 softens an over-confident model. The box calibrates with it (precision estimate, certainty threshold); training
/// fits T on logits, where softmax(logits / T) is the same thing.
/// </summary>
public static class TemperatureScaling
{
    /// <summary>Writes the calibrated distribution of <paramref name="probabilities"/> into <paramref name="calibrated"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The temperature is not a positive finite number.</exception>
    public static void Calibrate(ReadOnlySpan<float> probabilities, double temperature, Span<double> calibrated)
    {
        if (!double.IsFinite(temperature) || temperature <= 0)
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be a positive finite number.");
        if (calibrated.Length < probabilities.Length)
            throw new ArgumentException($"{calibrated.Length} places for {probabilities.Length} probabilities.", nameof(calibrated));
        calibrated = calibrated[..probabilities.Length];
        // In log space, shifted by the largest: p^(1/T) of small p underflows long before its share does.
        double maxLog = double.NegativeInfinity;
        foreach (var p in probabilities) maxLog = Math.Max(maxLog, Math.Log(Math.Max(p, 0)));
        if (double.IsNegativeInfinity(maxLog))
        {
            calibrated.Fill(1.0 / Math.Max(1, probabilities.Length));
            return;
        }
        double sum = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            calibrated[i] = Math.Exp((Math.Log(Math.Max(probabilities[i], 0)) - maxLog) / temperature);
            sum += calibrated[i];
        }
        for (int i = 0; i < calibrated.Length; i++) calibrated[i] /= sum;
    }

    /// <summary>The calibrated distribution of <paramref name="probabilities"/>, as a new array.</summary>
    public static double[] Calibrate(ReadOnlySpan<float> probabilities, double temperature)
    {
        var calibrated = new double[probabilities.Length];
        Calibrate(probabilities, temperature, calibrated);
        return calibrated;
    }
}
