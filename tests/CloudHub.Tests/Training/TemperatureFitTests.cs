using EdgeMlops.CloudHub.Training;

namespace EdgeMlops.CloudHub.Tests.Training;

public sealed class TemperatureFitTests
{
    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(2.5)]
    public void The_fit_recovers_the_temperature_the_labels_were_drawn_with(double trueTemperature)
    {
        // Labels drawn from softmax(z / T): a model whose logits z are miscalibrated by exactly T.
        var random = new Random(17);
        var logits = new List<double[]>();
        var labels = new List<int>();
        for (int n = 0; n < 20_000; n++)
        {
            var z = Enumerable.Range(0, 5).Select(_ => 3 * Gaussian(random)).ToArray();
            logits.Add(z);
            labels.Add(Draw(TemperatureFit.Softmax(z, trueTemperature), random));
        }

        double fitted = TemperatureFit.Fit(logits, labels);

        Assert.InRange(fitted, trueTemperature * 0.93, trueTemperature * 1.07);
        Assert.True(TemperatureFit.NegativeLogLikelihood(logits, labels, fitted) <= TemperatureFit.NegativeLogLikelihood(logits, labels, 1) + 1e-9);
    }

    [Fact]
    public void Softmax_at_a_temperature_is_each_probability_raised_to_its_inverse_and_renormalised()
    {
        double[] p = [0.7, 0.2, 0.1];
        var logits = p.Select(x => Math.Log(x)).ToList();

        var calibrated = TemperatureFit.Softmax(logits, 2);

        var expected = p.Select(x => Math.Sqrt(x)).ToArray();
        Assert.Equal(expected.Select(e => e / expected.Sum()), calibrated, (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void Nothing_to_fit_on_is_refused()
    {
        Assert.Throws<ArgumentException>(() => TemperatureFit.Fit([], []));
        Assert.Throws<ArgumentException>(() => TemperatureFit.Fit([[1.0, 2.0]], [0, 1]));
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static int Draw(double[] probabilities, Random random)
    {
        double u = random.NextDouble(), cumulative = 0;
        for (int i = 0; i < probabilities.Length; i++)
            if ((cumulative += probabilities[i]) > u) return i;
        return probabilities.Length - 1;
    }
}
