using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeMlops.Inference.Runtime;
using EdgeMlops.Packaging;
using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Crops;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;

namespace EdgeMlops.Benchmarks.Gpu;

/// <summary>
/// <c>bench gpu</c>: the classifier runtime on whatever accelerator this machine has, against the limit.
/// (1) provider selection for [CUDA, CPU] and [CPU], with every skip reason; (2) probabilities of each session kind
/// (CUDA and CPU, host and graph preprocessing) against CPU with host preprocessing on the same 256 crops;
/// (3) crops/s per provider and batch: the runtime with host preprocessing (today's path) and with preprocessing in
/// the graph, each serial (<c>Classify</c>) and pipelined (<c>ClassifyPipelined</c>), next to bare Run loops of the
/// model (float input) and of the fused graph (uint8 input) in the same process, so ratios compare like with like.
/// Without CUDA it measures CPU only and says why CUDA was skipped. Writes a JSON report with --json.
/// </summary>
public static class GpuBenchmark
{
    private sealed record Options(string Package, string Keys, IReadOnlyList<string> Providers, int[] Batches, int[] CpuBatches,
        TimeSpan Round, int Rounds, TimeSpan CpuRound, int CpuRounds, string? Json, double BudgetSeconds, int DeviceId, int PipelineThreads)
    {
        public static Options Parse(string[] args)
        {
            var o = new Options("models/vehicle-classifier", "models/keys", ["CUDA", "CPU"], [1, 8, 32, 128], [1, 8, 32, 128],
                TimeSpan.FromSeconds(0.4), 3, TimeSpan.FromSeconds(0.5), 3, null, 600, 0, 0);
            for (int i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                static int[] Ints(string s) => s.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                static double Seconds(string s) => double.Parse(s, CultureInfo.InvariantCulture);
                o = args[i] switch
                {
                    "--package" => o with { Package = Value() },
                    "--keys" => o with { Keys = Value() },
                    "--providers" => o with { Providers = Value().Split(',', StringSplitOptions.RemoveEmptyEntries) },
                    "--batches" => o with { Batches = Ints(Value()) },
                    "--cpu-batches" => o with { CpuBatches = Ints(Value()) },
                    "--round-s" => o with { Round = TimeSpan.FromSeconds(Seconds(Value())) },
                    "--rounds" => o with { Rounds = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--cpu-round-s" => o with { CpuRound = TimeSpan.FromSeconds(Seconds(Value())) },
                    "--cpu-rounds" => o with { CpuRounds = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--json" => o with { Json = Value() },
                    "--budget-s" => o with { BudgetSeconds = Seconds(Value()) },
                    "--device" => o with { DeviceId = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--pipeline-threads" => o with { PipelineThreads = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
                };
            }
            foreach (var p in o.Providers) _ = ExecutionProviderKinds.Parse(p);
            if (o.Batches.Concat(o.CpuBatches).Any(b => b is < 1 or > 1024))
                throw new ArgumentException("Batch sizes must be between 1 and 1024.");
            return o;
        }
    }

    public const string Usage =
        "bench gpu [--package DIR] [--keys DIR] [--providers cuda,cpu] [--batches 1,8,32,128] [--cpu-batches 1,8,32,128]\n" +
        "          [--round-s 0.4] [--rounds 3] [--cpu-round-s 0.5] [--cpu-rounds 3] [--json FILE] [--budget-s 600] [--device 0]\n" +
        "          [--pipeline-threads N]   (also measure the fused pipelined path with N preprocessing threads)";

    public static int Run(string[] args)
    {
        Options o;
        try
        {
            o = Options.Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            Console.Error.WriteLine($"bench gpu: {ex.Message}\n{Usage}");
            return 2;
        }
        return new Check(o).Execute();
    }

    private sealed class Check(Options o)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly JsonObject _report = new();
        private readonly JsonArray _errors = [];

        public int Execute()
        {
            _report["tool"] = "bench gpu";
            _report["startedUtc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
            _report["processorCount"] = Environment.ProcessorCount;
            _report["errors"] = _errors;
            try
            {
                Body();
            }
            catch (Exception ex)
            {
                Error("fatal", ex);
            }
            _report["elapsedS"] = Math.Round(_clock.Elapsed.TotalSeconds, 1);
            Save();
            return _errors.Count == 0 ? 0 : 1;
        }

        private void Body()
        {
            _report["ortVersion"] = OrtEnv.Instance().GetVersionString();
            var available = OrtEnv.Instance().GetAvailableProviders();
            _report["ortProviders"] = new JsonArray(available.Select(p => (JsonNode?)p).ToArray());
            Say($"ONNX Runtime {_report["ortVersion"]}, providers in this build: {string.Join(", ", available)}; {Environment.ProcessorCount} cores");

            var package = ModelPackageVerifier.Verify(o.Package, TrustedKeys.FromDirectory(o.Keys));
            var signature = ClassifierSignature.FromPackage(package);
            var f = signature.Format;
            _report["package"] = $"{signature.ModelName} {signature.ModelVersion} (verified), input {signature.InputTensor} {f.Channels}x{f.Height}x{f.Width}";
            Say($"package {_report["package"]}");
            Save();

            using var generator = new CropGenerator();
            var conditions = new[] { "day", "dusk", "night", "rain", "fog" }.Select(Condition.Parse).ToList();
            var agreementCrops = generator.Generate(seed: 4242, conditions, perClass: 11).Select(c => c.Image).Take(256).ToList();
            // The crops of ClassifierBenchmark (96x96 BGR, day), repeated to fill a batch.
            var speedCrops = generator.Generate(seed: 4242, [Condition.Parse("day")], perClass: 8).Select(c => c.Image).ToList();
            int maxBatch = o.Batches.Concat(o.CpuBatches).Append(32).Max();
            try
            {
                var sessions = Selection(package.ModelPath, signature, maxBatch);
                try
                {
                    Agreement(sessions, agreementCrops, signature);
                    foreach (var provider in o.Providers.Select(ExecutionProviderKinds.Parse).Distinct())
                        Throughput(provider, sessions, package.ModelPath, signature, speedCrops);
                }
                finally
                {
                    foreach (var s in sessions.Values) s.Dispose();
                }
            }
            finally
            {
                agreementCrops.ForEach(c => c.Dispose());
                speedCrops.ForEach(c => c.Dispose());
            }
        }

        /// <summary>Sessions by "Provider/placement", for each provider that was obtained.</summary>
        private Dictionary<string, ClassifierSession> Selection(string modelPath, ClassifierSignature signature, int maxBatch)
        {
            var sessions = new Dictionary<string, ClassifierSession>(StringComparer.Ordinal);
            var records = new JsonArray();
            _report["selection"] = records;
            foreach (var preference in new[] { o.Providers.ToArray(), ["CPU"] }.DistinctBy(p => string.Join(",", p)))
                foreach (var placement in new[] { PreprocessingPlacement.Auto, PreprocessingPlacement.Host, PreprocessingPlacement.Graph })
                {
                    var record = new JsonObject { ["asked"] = string.Join(",", preference), ["placementAsked"] = placement.ToString() };
                    records.Add((JsonNode)record);
                    var sw = Stopwatch.StartNew();
                    try
                    {
                        var session = ClassifierSession.Create(modelPath, signature,
                            new ClassifierRuntimeOptions { ExecutionProviders = preference, MaxBatchSize = maxBatch, DeviceId = o.DeviceId, Preprocessing = placement },
                            NullLogger.Instance);
                        record["selected"] = session.Providers.Selected.ToString();
                        record["placement"] = session.Preprocessing.ToString();
                        record["pageLocked"] = session.HostBuffersPageLocked;
                        record["note"] = session.PreprocessingNote;
                        record["skipped"] = new JsonArray(session.Providers.Skipped.Select(s => (JsonNode?)$"{s.Provider}: {s.Reason}").ToArray());
                        record["createMs"] = sw.ElapsedMilliseconds;
                        var key = $"{session.Providers.Selected}/{placement}";
                        if (!sessions.TryAdd(key, session)) session.Dispose();
                        Say($"[{record["asked"]}] {placement,-5} -> {session.Providers.Selected} (preprocessing on the {session.Preprocessing}" +
                            $"{(session.HostBuffersPageLocked ? ", page-locked buffers" : "")}{(session.PreprocessingNote is null ? "" : $"; {session.PreprocessingNote}")}) in {sw.ElapsedMilliseconds} ms" +
                            string.Concat(session.Providers.Skipped.Select(s => $"\n    skipped {s.Provider}: {s.Reason}")));
                    }
                    catch (Exception ex)
                    {
                        record["error"] = ex.Message;
                        Error($"session [{record["asked"]}] {placement}", ex);
                    }
                    Save();
                }
            return sessions;
        }

        private void Agreement(Dictionary<string, ClassifierSession> sessions, List<Mat> crops, ClassifierSignature signature)
        {
            var records = new JsonArray();
            _report["agreement"] = records;
            if (!sessions.TryGetValue("Cpu/Host", out var reference)) return;
            int labels = signature.Labels.Count;
            float[] All(ClassifierSession s) => crops.Chunk(32).SelectMany(b => s.Classify(b).ToArray()).ToArray();
            var expected = All(reference);
            Say($"agreement on {crops.Count} crops (5 conditions) against CPU with host preprocessing:");
            foreach (var (key, session) in sessions.Where(s => s.Key is not ("Cpu/Host" or "Cpu/Auto")))
            {
                try
                {
                    var actual = All(session);
                    double max = 0, sum = 0;
                    int agree = 0;
                    for (int i = 0; i < crops.Count; i++)
                    {
                        var e = expected.AsSpan(i * labels, labels);
                        var a = actual.AsSpan(i * labels, labels);
                        if (ArgMax(e) == ArgMax(a)) agree++;
                        for (int j = 0; j < labels; j++)
                        {
                            double d = Math.Abs(e[j] - a[j]);
                            max = Math.Max(max, d);
                            sum += d;
                        }
                    }
                    records.Add((JsonNode)new JsonObject
                    {
                        ["session"] = $"{key} ({session.Preprocessing})", ["crops"] = crops.Count, ["argmaxAgree"] = agree,
                        ["maxAbsDiff"] = max, ["meanAbsDiff"] = sum / expected.Length,
                    });
                    Say(string.Create(CultureInfo.InvariantCulture, $"  {key,-14} preprocessing on the {session.Preprocessing,-5}: argmax {agree}/{crops.Count}, max |diff| {max:G3}, mean |diff| {sum / expected.Length:G3}"));
                }
                catch (Exception ex)
                {
                    Error($"agreement {key}", ex);
                }
            }
            Save();
        }

        private void Throughput(ExecutionProviderKind provider, Dictionary<string, ClassifierSession> sessions, string modelPath,
            ClassifierSignature signature, List<Mat> crops)
        {
            var cells = new JsonArray();
            _report[$"throughput{provider}"] = cells;
            if (!sessions.TryGetValue($"{provider}/Host", out var host) || !sessions.TryGetValue($"{provider}/Graph", out var graph)
                || !sessions.TryGetValue($"{provider}/Auto", out var auto))
            {
                Say($"{provider}: not obtained on this machine (see selection): no throughput");
                return;
            }
            bool cpu = provider == ExecutionProviderKind.Cpu;
            var round = cpu ? o.CpuRound : o.Round;
            int rounds = cpu ? o.CpuRounds : o.Rounds;
            InferenceSession? bareFloat = null, bareFused = null;
            ClassifierSession? wide = null;
            try
            {
                bareFloat = ClassifierRates.BareSession(modelPath, signature, provider, o.DeviceId, fusedModel: false);
                bareFused = ClassifierRates.BareSession(modelPath, signature, provider, o.DeviceId, fusedModel: true);
                if (o.PipelineThreads > 0)
                    wide = ClassifierSession.Create(modelPath, signature, new ClassifierRuntimeOptions
                    {
                        ExecutionProviders = [provider.ToString()], MaxBatchSize = graph.MaxBatchSize, DeviceId = o.DeviceId,
                        Preprocessing = PreprocessingPlacement.Graph, PreprocessingThreads = o.PipelineThreads,
                    }, NullLogger.Instance);
            }
            catch (Exception ex)
            {
                Error($"{provider} bare sessions", ex);
                bareFloat?.Dispose();
                bareFused?.Dispose();
                return;
            }

            Say($"{provider}: crops/s (96x96 BGR Mats; median of {rounds} x {round.TotalSeconds:F2} s); Auto runs preprocessing on the {auto.Preprocessing}");
            Say($"| provider | batch | host serial | host pipelined | graph serial | graph pipelined |{(wide is null ? "" : $" graph pipelined {o.PipelineThreads} thr |")} bare Run float | bare Run fused | runtime (Auto, pipelined) / bare float | graph pipelined / bare fused |");
            Say($"|---|---:|---:|---:|---:|---:|{(wide is null ? "" : "---:|")}---:|---:|---:|---:|");
            try
            {
                foreach (int batch in cpu ? o.CpuBatches : o.Batches)
                {
                    if (_clock.Elapsed.TotalSeconds > o.BudgetSeconds)
                    {
                        Say($"budget of {o.BudgetSeconds} s spent: batch {batch} and later skipped");
                        break;
                    }
                    var b = Enumerable.Range(0, batch).Select(i => crops[i % crops.Count]).ToList();
                    var cell = new JsonObject { ["batch"] = batch };
                    cells.Add((JsonNode)cell);
                    double Measure(string name, Func<double> rate)
                    {
                        try
                        {
                            double r = rate();
                            cell[name] = Math.Round(r);
                            return r;
                        }
                        catch (Exception ex)
                        {
                            Error($"{provider} batch {batch} {name}", ex);
                            return double.NaN;
                        }
                    }
                    double hostSerial = Measure("hostSerial", () => ClassifierRates.Serial(host, b, round, rounds));
                    double hostPipelined = Measure("hostPipelined", () => ClassifierRates.Pipelined(host, b, round, rounds));
                    double graphSerial = Measure("graphSerial", () => ClassifierRates.Serial(graph, b, round, rounds));
                    double graphPipelined = Measure("graphPipelined", () => ClassifierRates.Pipelined(graph, b, round, rounds));
                    double widePipelined = wide is null ? double.NaN : Measure("graphPipelinedWide", () => ClassifierRates.Pipelined(wide, b, round, rounds));
                    double floatRun = Measure("bareRunFloat", () => ClassifierRates.BareRun(bareFloat, signature, false, batch, round, rounds));
                    double fusedRun = Measure("bareRunFused", () => ClassifierRates.BareRun(bareFused, signature, true, batch, round, rounds));
                    double runtime = auto.Preprocessing == PreprocessingPlacement.Graph ? graphPipelined : hostPipelined;
                    cell["runtimeOverBareFloat"] = Math.Round(runtime / floatRun, 3);
                    cell["graphPipelinedOverBareFused"] = Math.Round(graphPipelined / fusedRun, 3);
                    Say(string.Create(CultureInfo.InvariantCulture,
                        $"| {provider} | {batch} | {hostSerial:N0} | {hostPipelined:N0} | {graphSerial:N0} | {graphPipelined:N0} |{(wide is null ? "" : $" {widePipelined:N0} |")} {floatRun:N0} | {fusedRun:N0} | {runtime / floatRun:F2} | {graphPipelined / fusedRun:F2} |"));
                    Save();
                }
            }
            finally
            {
                bareFloat.Dispose();
                bareFused.Dispose();
                wide?.Dispose();
            }
        }

        private static int ArgMax(ReadOnlySpan<float> values)
        {
            int best = 0;
            for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
            return best;
        }

        private void Say(string line) => Console.WriteLine(line);

        private void Error(string where, Exception ex)
        {
            _errors.Add((JsonNode)new JsonObject { ["where"] = where, ["error"] = $"{ex.GetType().Name}: {ex.Message}" });
            Console.WriteLine($"ERROR {where}: {ex.GetType().Name}: {ex.Message}");
            Save();
        }

        private void Save()
        {
            if (o.Json is null) return;
            var tmp = o.Json + ".tmp";
            File.WriteAllText(tmp, _report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            File.Move(tmp, o.Json, overwrite: true);
        }
    }
}
