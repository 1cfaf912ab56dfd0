using EdgeMlops.Benchmarks;

var suites = new Dictionary<string, Func<string[], int>>(StringComparer.Ordinal)
{
    ["classifier"] = ClassifierBenchmark.Run,
    ["gpu"] = EdgeMlops.Benchmarks.Gpu.GpuBenchmark.Run,
    ["pipeline"] = PipelineBenchmark.Run,
    ["precision"] = EdgeMlops.Benchmarks.Precision.PrecisionBenchmark.Run,
    ["rollout"] = EdgeMlops.Benchmarks.Rollout.RolloutBenchmark.Run,
    ["sync"] = EdgeMlops.Benchmarks.Sync.SyncBenchmark.Run,
};
if (args.Length == 0 || !suites.TryGetValue(args[0], out var suite))
{
    Console.Error.WriteLine($"usage: bench {string.Join("|", suites.Keys)} [options]");
    return 2;
}
return suite(args[1..]);
