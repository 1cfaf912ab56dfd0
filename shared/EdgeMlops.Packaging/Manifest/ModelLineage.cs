namespace EdgeMlops.Packaging;

/// <summary>Where a model version came from.</summary>
public sealed record ModelLineage
{
    /// <summary>Version this one was trained from, if any.</summary>
    public string? ParentVersion { get; init; }

    /// <summary>Hash identifying the training data set.</summary>
    public string? TrainingDataHash { get; init; }

    /// <summary>Trainer that produced the model, e.g. <c>head-finetune/1</c>.</summary>
    public string? Trainer { get; init; }

    /// <summary>Free text for people.</summary>
    public string? Notes { get; init; }
}
