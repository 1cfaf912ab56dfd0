using MQTTnet;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>What became of one publish.</summary>
internal enum PublishVerdict
{
    /// <summary>
    /// The broker acknowledged it: the records may leave the outbox. For outbox messages only Success counts (see
    /// <see cref="PublishOutcome.FromOutbox"/>); for the device's own state, NoMatchingSubscribers does too.
    /// </summary>
    Delivered,

    /// <summary>The hub refused the payload as poison (PayloadFormatInvalid, 0x99) and counted it: resending would not help.</summary>
    RejectedByHub,

    /// <summary>Never sent: the agent itself cannot make a valid payload of the records.</summary>
    RefusedLocally,

    /// <summary>
    /// The broker refused it for now (NotAuthorized, quota, ...), or it reached no subscriber: keep the records and try
    /// again later.
    /// </summary>
    Refused,

    /// <summary>No acknowledgement came (connection lost, cancelled).</summary>
    Failed,
}

/// <summary>The verdict on one publish and what the broker or the client said.</summary>
internal readonly record struct PublishOutcome(PublishVerdict Verdict, string Detail, Exception? Failure = null)
{
    public bool LetsRecordsGo => Verdict is PublishVerdict.Delivered or PublishVerdict.RejectedByHub or PublishVerdict.RefusedLocally;

    /// <summary>
    /// The outbox message was acknowledged as NoMatchingSubscribers (0x10): the broker stored it nowhere, because no
    /// session (the hub's) subscribes to its topic. A <see cref="PublishVerdict.Refused"/> verdict.
    /// </summary>
    public bool NoSubscriber { get; init; }

    /// <summary>
    /// The hub refused the outbox message with QuotaExceeded (0x97): the device has used up its sample quota for now.
    /// A <see cref="PublishVerdict.Refused"/> verdict: the records stay, and the drain waits longer before trying again.
    /// </summary>
    public bool QuotaExceeded { get; init; }

    /// <summary>
    /// The verdict on a telemetry batch or sample. NoMatchingSubscribers (0x10) is Refused: on a standalone broker
    /// (mosquitto) it means the hub is not subscribed (not yet connected, its session expired, ...) and the message went
    /// nowhere, so letting the records go would lose them. The hub's own broker never answers 0x10 on these topics.
    /// </summary>
    public static PublishOutcome FromOutbox(MqttClientPublishResult result) => result.ReasonCode switch
    {
        MqttClientPublishReasonCode.Success => new(PublishVerdict.Delivered, result.ReasonCode.ToString()),
        MqttClientPublishReasonCode.NoMatchingSubscribers => new(PublishVerdict.Refused, Describe(result)) { NoSubscriber = true },
        MqttClientPublishReasonCode.PayloadFormatInvalid => new(PublishVerdict.RejectedByHub, Describe(result)),
        MqttClientPublishReasonCode.QuotaExceeded => new(PublishVerdict.Refused, Describe(result)) { QuotaExceeded = true },
        _ => new(PublishVerdict.Refused, Describe(result)),
    };

    /// <summary>
    /// The verdict on the device's status or reported state: NoMatchingSubscribers (0x10) is Delivered, the status is
    /// retained and a report that nobody reads is simply superseded by the next one.
    /// </summary>
    public static PublishOutcome FromState(MqttClientPublishResult result) => result.ReasonCode switch
    {
        MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers =>
            new(PublishVerdict.Delivered, result.ReasonCode.ToString()),
        _ => new(PublishVerdict.Refused, Describe(result)),
    };

    public static PublishOutcome RefusedLocally(string reason) => new(PublishVerdict.RefusedLocally, reason);

    public static PublishOutcome Failed(Exception failure) => new(PublishVerdict.Failed, failure.Message, failure);

    private static string Describe(MqttClientPublishResult result) =>
        string.IsNullOrEmpty(result.ReasonString) ? result.ReasonCode.ToString() : $"{result.ReasonCode}: {result.ReasonString}";
}
