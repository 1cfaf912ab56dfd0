using EdgeMlops.CloudHub.Training;

namespace EdgeMlops.CloudHub.Tests.Training;

public sealed class HeadTrainerTests
{
    /// <summary>Gaussian clusters, one per label, around centres far apart in a few dimensions.</summary>
    private static (List<float[]> X, List<int> Y, float[][] Centres) Clusters(int labels, int dim, int perLabel, int seed)
    {
        var rng = new Random(seed);
        var centres = Enumerable.Range(0, labels).Select(_ => Enumerable.Range(0, dim).Select(_ => (float)(rng.NextDouble() * 10 - 5)).ToArray()).ToArray();
        var x = new List<float[]>();
        var y = new List<int>();
        // Labels in a scrambled order, so an implementation that assumes sorted input cannot pass.
        foreach (var i in Enumerable.Range(0, labels * perLabel).OrderBy(_ => rng.Next()))
        {
            int label = i % labels;
            x.Add(centres[label].Select(c => c + (float)(rng.NextDouble() - 0.5)).ToArray());
            y.Add(label);
        }
        return (x, y, centres);
    }

    [Fact]
    public void Trained_weights_score_label_k_as_class_k_when_applied_outside_MLNET()
    {
        var (x, y, _) = Clusters(labels: 5, dim: 12, perLabel: 60, seed: 3);

        var head = new HeadTrainer(new HeadTrainingOptions()).Train(x, y, labelCount: 5);

        int correct = 0;
        for (int i = 0; i < x.Count; i++)
        {
            var logits = Enumerable.Range(0, 5).Select(c => head.Bias[c] + Enumerable.Range(0, 12).Sum(j => head.Weights[c, j] * x[i][j])).ToArray();
            if (Array.IndexOf(logits, logits.Max()) == y[i]) correct++;
        }
        Assert.True(correct >= 0.98 * x.Count, $"only {correct} of {x.Count} right: the head's class order does not match the labels");
    }

    [Fact]
    public void Same_seed_and_data_give_identical_weights()
    {
        var (x, y, _) = Clusters(4, 8, 40, seed: 9);

        var a = new HeadTrainer(new HeadTrainingOptions { Seed = 5 }).Train(x, y, 4);
        var b = new HeadTrainer(new HeadTrainingOptions { Seed = 5 }).Train(x, y, 4);

        Assert.Equal(a.Weights.Cast<float>(), b.Weights.Cast<float>());
        Assert.Equal(a.Bias, b.Bias);
    }

    [Fact]
    public void A_label_without_examples_is_refused_by_index()
    {
        var (x, y, _) = Clusters(3, 4, 10, seed: 1);

        var error = Assert.Throws<ArgumentException>(() => new HeadTrainer(new HeadTrainingOptions()).Train(x, y, labelCount: 4));

        Assert.Contains("3", error.Message);
    }
}
