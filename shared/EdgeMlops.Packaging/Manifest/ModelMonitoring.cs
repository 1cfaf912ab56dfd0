namespace EdgeMlops.Packaging;

/// <summary>How the box watches a model in the field (<see cref="ModelManifest.Monitoring"/>).</summary>
public sealed record ModelMonitoring
{
    /// <summary>
    /// Temperature fitted on held-out data at training time: calibrated probabilities are softmax(log p / T), i.e. each
    /// probability raised to 1/T and renormalised. 1 leaves them as the model gives them. Confidence-based precision
    /// estimation is only as good as this calibration.
    /// </summary>
    public double Temperature { get; init; } = 1;

    /// <summary>
    /// Calibrated confidence under which the box does not act alone: the event is marked needs-review and its crop is
    /// always sampled. <c>null</c>: no threshold.
    /// </summary>
    public double? CertaintyThreshold { get; init; }

    /// <summary>What the model saw on its reference data (a day scene at training time); <c>null</c>: no drift signals.</summary>
    public ReferenceDistributions? Reference { get; init; }
}

/// <summary>The distributions drift is measured against, from the model's reference data.</summary>
public sealed record ReferenceDistributions
{
    /// <summary>Number of histogram bins over [0, 1] in <see cref="ConfidenceHistogram"/>.</summary>
    public const int ConfidenceBins = 10;

    /// <summary>Share of predictions per label (sums to 1; labels never predicted may be left out).</summary>
    public required IReadOnlyDictionary<string, double> ClassMix { get; init; }

    /// <summary>Share of calibrated top confidences in each of <see cref="ConfidenceBins"/> equal bins over [0, 1] (sums to 1).</summary>
    public required IReadOnlyList<double> ConfidenceHistogram { get; init; }

    /// <summary>Mean luma of the reference crops, 0..255.</summary>
    public double? MeanBrightness { get; init; }

    /// <summary>Mean within-crop luma standard deviation of the reference crops, 0..255.</summary>
    public double? MeanContrast { get; init; }

    /// <summary>Mean proposal box area as a share of the frame, 0..1.</summary>
    public double? MeanBoxArea { get; init; }
}
