using System.Globalization;
using System.Text.Json;
using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.Inference.Runtime;
using EdgeMlops.Packaging;
using EdgeMlops.Synthetic.Scenes;
using EdgeMlops.Synthetic.Video;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeMlops.Benchmarks;

/// <summary>
/// One synthetic day video, measured stage by stage and as a whole in one run: decode alone, motion proposals alone
/// (which also gives the crops per frame), the bare classifier loop at the agent's batch size, and the real agent
/// host on the same file with SQLite writes on. Then a live synthetic camera for a few minutes while this process's
/// memory is sampled, to show there is no growth.
/// </summary>
public static class PipelineBenchmark
{
    private const int PipelineRuns = 3;
    private static readonly TimeSpan MemorySampleInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ClassifierRound = TimeSpan.FromSeconds(2);

    public static int Run(string[] args)
    {
        PipelineBenchmarkOptions options;
        try
        {
            options = PipelineBenchmarkOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"bench pipeline: {ex.Message}\n{PipelineBenchmarkOptions.Usage}");
            return 2;
        }
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        var work = Directory.CreateTempSubdirectory("edgemlops-bench-pipeline-");
        try
        {
            var result = MeasureAsync(options, work.FullName, cancel.Token).GetAwaiter().GetResult();
            PipelineReport.PrintTable(result, Console.Out);
            Console.WriteLine(PipelineReport.Json(result));
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<PipelineResult> MeasureAsync(PipelineBenchmarkOptions options, string work, CancellationToken cancellationToken)
    {
        var package = ModelPackageVerifier.Verify(options.ModelPath, TrustedKeys.FromDirectory(options.KeysDirectory));
        var signature = ClassifierSignature.FromPackage(package);
        var scene = new HighwaySceneOptions { Seed = 3 };
        var video = SyntheticVideoWriter.Write(scene, TimeSpan.FromSeconds(options.VideoSeconds), Path.Combine(work, "day.mp4"));
        string description = string.Create(CultureInfo.InvariantCulture,
            $"synthetic day (seed {scene.Seed}) {scene.Width}x{scene.Height} @ {scene.Fps} fps, {options.VideoSeconds:0.#} s, mp4v");
        Console.WriteLine($"pipeline benchmark: {signature.ModelName} {signature.ModelVersion}, {description} = {video.FrameCount} frames, {Environment.ProcessorCount} cores");

        double decodeFps = StageRates.DecodeOnlyFps(video.VideoPath, passes: 3, cancellationToken);
        var (proposalsFps, cropsPerFrame) = StageRates.ProposalsOnly(video.VideoPath, cancellationToken);

        // The agent's batch size, runtime settings and provider choice (TensorRT -> CUDA -> CPU): the same work on the same hardware.
        int batch = new BatchingOptions().MaxBatchSize;
        var runtime = new ClassifierRuntimeOptions { MaxBatchSize = batch };
        var provider = ExecutionProviderKind.Cpu;
        double cropsPerSecond = ClassifierBenchmark.BareOrtRate(package.ModelPath, signature, runtime, batch, ClassifierRound,
            sessionOptions => provider = new ExecutionProviderSelector(NullLogger.Instance).Apply(sessionOptions, runtime, signature.ModelSha256).Selected);

        var runs = new List<JsonElement>();
        for (int run = 0; run < PipelineRuns; run++)
            runs.Add(await InProcessAgent.RunAsync(FileRun(options, video.VideoPath, Path.Combine(work, $"file-{run}.db")), work, cancellationToken));

        var memory = options.MemoryMinutes > 0 ? await MeasureMemoryAsync(options, work, cancellationToken) : null;
        return new PipelineResult($"{signature.ModelName} {signature.ModelVersion}", description, video.FrameCount, decodeFps, proposalsFps,
            cropsPerFrame, batch, provider.ToString(), cropsPerSecond, runs, memory);
    }

    /// <summary>The agent on the benchmark's file, read as fast as the pipeline takes frames (nothing skipped or dropped).</summary>
    private static Dictionary<string, string> FileRun(PipelineBenchmarkOptions options, string video, string database) =>
        AgentConfiguration(options, database, new()
        {
            ["Cameras:0:Id"] = "bench",
            ["Cameras:0:Source"] = video,
            ["Cameras:0:FilePacing"] = "AsFastAsPossible",
        });

    /// <summary>A live synthetic camera (real time, as on a box) for the given minutes while memory is sampled.</summary>
    private static async Task<MemoryRun> MeasureMemoryAsync(PipelineBenchmarkOptions options, string work, CancellationToken cancellationToken)
    {
        var configuration = AgentConfiguration(options, Path.Combine(work, "live.db"), new()
        {
            ["Agent:Duration"] = TimeSpan.FromMinutes(options.MemoryMinutes).ToString("c", CultureInfo.InvariantCulture),
            ["Cameras:0:Id"] = "live",
            ["Cameras:0:Source"] = "synthetic://highway?seed=1&condition=day",
        });
        // Start from a collected heap, so what the earlier measurements left behind is not counted as this run's.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampling = MemoryProbe.SampleAsync(MemorySampleInterval, stopSampling.Token);
        var summary = await InProcessAgent.RunAsync(configuration, work, cancellationToken);
        await stopSampling.CancelAsync();
        return new MemoryRun(options.MemoryMinutes, MemorySampleInterval, await sampling, summary);
    }

    /// <summary>
    /// What every agent run of the benchmark shares: the benchmark's model, a store of its own, and no MQTT sync
    /// (what is measured is the pipeline into SQLite; there is no broker here to sync to).
    /// </summary>
    private static Dictionary<string, string> AgentConfiguration(PipelineBenchmarkOptions options, string database, Dictionary<string, string> run) =>
        new(run)
        {
            ["Agent:DeviceId"] = "bench",
            ["Store:Path"] = database,
            ["Model:PackagePath"] = Path.GetFullPath(options.ModelPath),
            ["Model:TrustedKeysDirectory"] = Path.GetFullPath(options.KeysDirectory),
            ["Sync:Enabled"] = "false",
        };
}
