namespace EdgeMlops.Synthetic.Tests;

public class DeterministicRandomTests
{
    [Fact]
    public void Same_seed_gives_the_same_sequence_and_different_seeds_differ()
    {
        var a = new DeterministicRandom(42);
        var b = new DeterministicRandom(42);
        var c = new DeterministicRandom(43);
        var first = Enumerable.Range(0, 16).Select(_ => a.NextUInt64()).ToArray();
        Assert.Equal(first, Enumerable.Range(0, 16).Select(_ => b.NextUInt64()));
        Assert.NotEqual(first, Enumerable.Range(0, 16).Select(_ => c.NextUInt64()));
    }

    [Fact]
    public void Derived_seeds_depend_on_every_path_element_and_its_order()
    {
        int seed = DeterministicRandom.DeriveSeed(7, 1, 2);
        Assert.Equal(seed, DeterministicRandom.DeriveSeed(7, 1, 2));
        Assert.NotEqual(seed, DeterministicRandom.DeriveSeed(7, 2, 1));
        Assert.NotEqual(seed, DeterministicRandom.DeriveSeed(8, 1, 2));
        Assert.NotEqual(seed, DeterministicRandom.DeriveSeed(7, 1, 2, 0));
    }

    [Fact]
    public void Ranges_stay_within_bounds()
    {
        var rng = new DeterministicRandom(1);
        for (int i = 0; i < 10_000; i++)
        {
            Assert.InRange(rng.NextDouble(), 0, 0.9999999999);
            Assert.InRange(rng.NextInt(3, 5), 3, 5);
            Assert.InRange(rng.Range(-2, 2), -2, 2);
        }
    }
}
