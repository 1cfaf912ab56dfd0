namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>
/// A camera's capture counters since it started. Every frame grabbed is delivered, skipped or dropped for want of
/// a buffer; of the delivered ones, <see cref="FramesDroppedQueueFull"/> never reached the consumer.
/// </summary>
/// <param name="FramesGrabbed">Frames read from the source.</param>
/// <param name="FramesSkipped">Frames left out on purpose to hold the target rate or real-time pace.</param>
/// <param name="FramesDelivered">Frames written to the queue.</param>
/// <param name="FramesDroppedQueueFull">Delivered frames pushed out of the full queue before anyone took them (oldest first).</param>
/// <param name="FramesDroppedNoBuffer">Frames dropped because every pooled buffer was still held downstream.</param>
/// <param name="Reconnects">Times a lost or ended live stream was opened again successfully.</param>
/// <param name="FailedConnects">Attempts to open a live stream that failed.</param>
/// <param name="Loops">Times a looping file started over.</param>
public readonly record struct CaptureStatistics(
    long FramesGrabbed,
    long FramesSkipped,
    long FramesDelivered,
    long FramesDroppedQueueFull,
    long FramesDroppedNoBuffer,
    long Reconnects,
    long FailedConnects,
    long Loops);
