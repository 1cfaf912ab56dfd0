using System.Text.Json.Serialization;

namespace EdgeMlops.Packaging;

/// <summary>The model's scores on one evaluation set.</summary>
public sealed record EvaluationMetrics
{
    /// <summary>Evaluation set, e.g. <c>synthetic-day-seed-9001</c>.</summary>
    public required string Set { get; init; }

    /// <summary>Condition the set was recorded under, e.g. <c>night</c>.</summary>
    public string? Condition { get; init; }

    /// <summary>Number of samples evaluated.</summary>
    public required int Samples { get; init; }

    /// <summary>Precision averaged over labels, 0 to 1.</summary>
    public required double MacroPrecision { get; init; }

    /// <summary>Recall averaged over labels, 0 to 1.</summary>
    public required double MacroRecall { get; init; }

    /// <summary>Fraction of samples classified correctly, 0 to 1.</summary>
    public required double Accuracy { get; init; }

    /// <summary>Precision per label, 0 to 1.</summary>
    [JsonConverter(typeof(OrdinalSortedMapConverter))]
    public required IReadOnlyDictionary<string, double> Precision { get; init; }

    /// <summary>Recall per label, 0 to 1.</summary>
    [JsonConverter(typeof(OrdinalSortedMapConverter))]
    public required IReadOnlyDictionary<string, double> Recall { get; init; }
}
