using EdgeMlops.Inference.Evaluation;
using EdgeMlops.Inference.Runtime;
using EdgeMlops.Packaging;
using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Crops;
using EdgeMlops.Synthetic.Datasets;
using EdgeMlops.Synthetic.Scenes;
using EdgeMlops.Synthetic.Vehicles;
using EdgeMlops.Synthetic.Video;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.CloudHub.Evaluation;

/// <summary>Evaluates a model on a held-out synthetic crop set of one condition.</summary>
public sealed class SyntheticEvaluator(ILogger logger)
{
    public EvaluationMetrics Evaluate(string modelPath, ClassifierSignature signature, int seed, string condition, int perClass)
    {
        // Renders exactly the classes the model knows (a six-label model sees pickups, the seed never does).
        using var generator = new CropGenerator(CropGeneratorOptions.ForLabels(signature.Labels));
        var crops = generator.Generate(seed, [Condition.Parse(condition)], perClass).ToList();
        try
        {
            var options = new ClassifierRuntimeOptions { ExecutionProviders = ["CPU"], MaxBatchSize = 32 };
            using var session = ClassifierSession.Create(modelPath, signature, options, logger);
            var labelIndex = signature.Labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i);
            return ClassifierEvaluator.Evaluate(session, crops.Select(c => c.Image).ToList(),
                crops.Select(c => labelIndex[c.Label]).ToList(), $"synthetic-{condition}-seed-{seed}", condition);
        }
        finally
        {
            crops.ForEach(c => c.Dispose());
        }
    }
}
