using EdgeMlops.Inference.Evaluation;
using EdgeMlops.Packaging;
using EdgeMlops.Synthetic.Vehicles;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.CloudHub.Training.Seed;

/// <summary>What a bundled classifier is trained and measured on (named for the seed model, its first user).</summary>
public sealed record SeedBootstrapOptions
{
    public int Seed { get; init; } = 7;
    public int TrainPerClass { get; init; } = 600;
    public int EvaluationPerClass { get; init; } = 200;
    public int CanaryPerClass { get; init; } = 6;
    public IReadOnlyList<string> TrainingConditions { get; init; } = ["day", "dusk"];
    public IReadOnlyList<string> EvaluationConditions { get; init; } = ["day", "dusk", "night", "rain", "fog"];
    public string Version { get; init; } = "1.0.0";
    public HeadTrainingOptions Head { get; init; } = new();

    /// <summary>
    /// The labels the classifier outputs, in output order: synthetic classes (<see cref="VehicleClasses.KnownLabels"/>).
    /// The default five; add <c>pickup</c> for the six-label model.
    /// </summary>
    public IReadOnlyList<string> Labels { get; init; } = VehicleClasses.Labels;

    /// <summary>The canary precision the manifest requires before a registry or box lets the model serve; none by default.</summary>
    public CanaryGate? Gate { get; init; }

    /// <summary>
    /// Rotate the trained head's rows by one label so every class scores as the next: a package that verifies but
    /// fails its canary gate, for tests of validation failures. Never for a model meant to serve.
    /// </summary>
    public bool ScrambleHead { get; init; }

    /// <summary>Crops per class and training condition the temperature is fitted on (held out: a seed of their own).</summary>
    public int CalibrationPerClass { get; init; } = 100;

    /// <summary>Seconds of synthetic day road whose vehicles the reference distributions are measured on.</summary>
    public int ReferenceSeconds { get; init; } = 60;

    /// <summary>
    /// Calibrated confidence under which a box marks a vehicle needs-review and always samples its crop (the
    /// manifest's <see cref="ModelMonitoring.CertaintyThreshold"/>); null: none. 0.5 by default: below it the model
    /// gives the chosen class less than even odds against all the others together.
    /// </summary>
    public double? CertaintyThreshold { get; init; } = 0.5;

    /// <summary>
    /// Held-out sets draw from seeds far from the training seed so no crop is shared: the generator derives every
    /// crop from (seed, class, index), and the offsets keep the ranges apart.
    /// </summary>
    public int EvaluationSeed(int conditionIndex) => Seed + 1_000_003 * (conditionIndex + 1);

    public int CanarySeed => Seed + 77_000_001;

    public int CalibrationSeed => Seed + 55_000_001;

    public int ReferenceSeed => Seed + 66_000_001;
}

/// <summary>
/// Builds the bundled seed vehicle classifier: the fixed HOG-like extractor (<see cref="HogSeedBackbone"/>) with a
/// head trained by <see cref="ClassifierBootstrap"/>.
/// </summary>
public sealed class SeedClassifierBootstrap(ILogger logger)
{
    public const string ModelName = ClassifierBootstrap.ModelName;

    public SeedBootstrapResult Run(SeedBootstrapOptions options, string outputDirectory, SigningKey key, bool overwrite) =>
        new ClassifierBootstrap(logger).Run(new HogSeedBackbone(), options, outputDirectory, key, overwrite);

    public static ModelInputSpec InputSpec() => HogSeedBackbone.InputSpec();
}

/// <summary>What a bootstrap wrote: the signed manifest, and its own canary set run against its gate.</summary>
public sealed record SeedBootstrapResult(ModelManifest Manifest, CanaryOutcome Canary);
