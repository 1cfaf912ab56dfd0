using MQTTnet;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>What became of one publish.</summary>
internal enum PublishVerdict
{
    /// <summary>The broker acknowledged it (Success or NoMatchingSubscribers): the records may leave the outbox.</summary>
    Delivered,

    /// <summary>The hub refused the payload as poison (PayloadFormatInvalid, 0x99) and counted it: resending would not help.</summary>
    RejectedByHub,

    /// <summary>Never sent: the agent itself cannot make a valid payload of the records.</summary>
    RefusedLocally,

    /// <summary>The broker refused it for now (NotAuthorized, quota, ...): keep the records and try again later.</summary>
    Refused,

    /// <summary>No acknowledgement came (connection lost, cancelled).</summary>
    Failed,
}

/// <summary>The verdict on one publish and what the broker or the client said.</summary>
internal readonly record struct PublishOutcome(PublishVerdict Verdict, string Detail, Exception? Failure = null)
{
    public bool LetsRecordsGo => Verdict is PublishVerdict.Delivered or PublishVerdict.RejectedByHub or PublishVerdict.RefusedLocally;

    public static PublishOutcome From(MqttClientPublishResult result) => result.ReasonCode switch
    {
        MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers =>
            new(PublishVerdict.Delivered, result.ReasonCode.ToString()),
        MqttClientPublishReasonCode.PayloadFormatInvalid => new(PublishVerdict.RejectedByHub, Describe(result)),
        _ => new(PublishVerdict.Refused, Describe(result)),
    };

    public static PublishOutcome RefusedLocally(string reason) => new(PublishVerdict.RefusedLocally, reason);

    public static PublishOutcome Failed(Exception failure) => new(PublishVerdict.Failed, failure.Message, failure);

    private static string Describe(MqttClientPublishResult result) =>
        string.IsNullOrEmpty(result.ReasonString) ? result.ReasonCode.ToString() : $"{result.ReasonCode}: {result.ReasonString}";
}
