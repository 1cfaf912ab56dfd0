using System.Diagnostics;
using EdgeMlops.EdgeAgent.Detection;
using OpenCvSharp;

namespace EdgeMlops.Benchmarks;

/// <summary>How fast one stage of the pipeline runs on its own, on a video file.</summary>
internal static class StageRates
{
    /// <summary>
    /// Frames per second of decoding <paramref name="video"/> to BGR as fast as possible, the way the agent reads files
    /// (OpenCV's FFmpeg backend, grab then retrieve into one reused image); the median of <paramref name="passes"/> passes.
    /// </summary>
    public static double DecodeOnlyFps(string video, int passes, CancellationToken cancellationToken)
    {
        using var image = new Mat();
        var rates = new List<double>(passes);
        for (int pass = 0; pass < passes; pass++)
        {
            using var capture = Open(video);
            long frames = 0;
            var clock = Stopwatch.StartNew();
            while (capture.Grab() && capture.Retrieve(image))
            {
                frames++;
                cancellationToken.ThrowIfCancellationRequested();
            }
            rates.Add(frames / clock.Elapsed.TotalSeconds);
        }
        rates.Sort();
        return rates[rates.Count / 2];
    }

    /// <summary>
    /// The agent's motion proposals (default options) alone: frames of <paramref name="video"/> are decoded, and only the
    /// proposer's work on them is timed. Also the crops per frame the classifier has to take, warm-up frames (no
    /// proposals) included as in the agent.
    /// </summary>
    public static (double Fps, double CropsPerFrame) ProposalsOnly(string video, CancellationToken cancellationToken)
    {
        using var image = new Mat();
        using var capture = Open(video);
        using var proposer = new BackgroundSubtractionProposer(new BackgroundSubtractionOptions());
        var boxes = new List<Rect>();
        long frames = 0, crops = 0, proposing = 0;
        while (capture.Grab() && capture.Retrieve(image))
        {
            long started = Stopwatch.GetTimestamp();
            proposer.Propose(image, boxes);
            proposing += Stopwatch.GetTimestamp() - started;
            crops += boxes.Count;
            frames++;
            cancellationToken.ThrowIfCancellationRequested();
        }
        return (frames / ((double)proposing / Stopwatch.Frequency), frames == 0 ? 0 : (double)crops / frames);
    }

    private static VideoCapture Open(string video)
    {
        var capture = new VideoCapture(video, VideoCaptureAPIs.FFMPEG);
        if (!capture.IsOpened())
        {
            capture.Dispose();
            throw new IOException($"OpenCV cannot open '{video}'.");
        }
        return capture;
    }
}
