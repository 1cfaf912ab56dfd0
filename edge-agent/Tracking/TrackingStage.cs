using System.Diagnostics;
using System.Threading.Channels;
using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Reporting;

namespace EdgeMlops.EdgeAgent.Tracking;

/// <summary>
/// One camera's tracking: takes its classified frames in order, links their boxes into tracks and hands every frame
/// and every ended track to the <see cref="ITrackSink"/>. Labels come from the model stamped on each frame. Runs
/// until the batcher completed <see cref="Results"/>, then ends the tracks still open.
/// </summary>
public sealed class TrackingStage(IouTracker tracker, ITrackSink sink, CameraMetrics metrics, TimeProvider time)
{
    private readonly Channel<FrameCrops> _results =
        Channel.CreateBounded<FrameCrops>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    /// <summary>Classified frames of this camera, written by the batcher.</summary>
    public ChannelWriter<FrameCrops> Results => _results.Writer;

    public async Task RunAsync()
    {
        var observations = new List<TrackObservation>();
        var trackIds = new List<long>();
        var completed = new List<CompletedTrack>();
        LoadedModel? model = null;
        await foreach (var frame in _results.Reader.ReadAllAsync(CancellationToken.None))
        {
            using (frame)
            {
                long t = Stopwatch.GetTimestamp();
                if (!ReferenceEquals(frame.Model, model) && frame.Model is { } next)
                {
                    model = next;
                    metrics.KnowLabels(model.Labels);
                }
                observations.Clear();
                for (int i = 0; i < frame.Boxes.Count; i++)
                    observations.Add(new TrackObservation(frame.Boxes[i], frame.Model!.Labels, frame.Probabilities[i]));
                completed.Clear();
                tracker.Update(frame.SceneTime, observations, trackIds, completed);
                sink.Observe(frame, trackIds);
                metrics.FrameProcessed();
                metrics.RecordLatency(Stages.Classify, frame.ClassifyLatency);
                foreach (var track in completed) await sink.CompleteAsync(new TrackedVehicle(track, model!));
                metrics.RecordLatency(Stages.Track, Stopwatch.GetElapsedTime(t));
                metrics.RecordLatency(Stages.EndToEnd, time.GetUtcNow() - frame.Timestamp);
            }
        }
        completed.Clear();
        tracker.Complete(completed);
        if (model is not null)
            foreach (var track in completed) await sink.CompleteAsync(new TrackedVehicle(track, model));
    }
}
