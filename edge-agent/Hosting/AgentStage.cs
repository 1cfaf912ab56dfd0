namespace EdgeMlops.EdgeAgent.Hosting;

/// <summary>
/// The agent's long-running parts in the order they start; they stop in the reverse order. The order is the data
/// flow read backwards: nothing stops while a stage upstream of it can still hand it work, so everything the
/// cameras captured reaches the store, and everything the store committed is offered to the broker, before the
/// sync disconnects.
/// </summary>
public enum AgentStage
{
    /// <summary>The classifier the pipeline reads per batch; loaded first, so a refused package stops the agent before anything connects.</summary>
    Model,

    /// <summary>The telemetry store opened once: a file the agent cannot use stops it before anything connects.</summary>
    StoreOpen,

    /// <summary>The MQTT sync: stops last, after draining what the store committed.</summary>
    Sync,

    /// <summary>The model manager: acts on the desired state the sync receives; stops before the sync, so its last report goes out.</summary>
    Models,

    /// <summary>The telemetry store's writer: stops once the pipeline has handed it everything, and commits that.</summary>
    Store,

    /// <summary>The canary set and the ground-truth feed (precision scoring); stops once the pipeline has drained, so the last feed lines are scored against every event.</summary>
    Monitoring,

    /// <summary>Status line and stats records; on stop, once the pipeline has drained, the last stats and the run summary.</summary>
    Reporting,

    /// <summary>Capture, proposals, the batcher and tracking: stop capturing, then drain downstream in that order.</summary>
    Pipeline,

    /// <summary>The metrics endpoint: stops first, so scrapes end before the pipeline drains.</summary>
    Diagnostics,
}
