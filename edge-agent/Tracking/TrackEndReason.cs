namespace EdgeMlops.EdgeAgent.Tracking;

/// <summary>Why a track was completed.</summary>
public enum TrackEndReason
{
    /// <summary>Unseen for longer than its lifetime: the vehicle left the view.</summary>
    Lost,

    /// <summary>The camera's stream ended (or the tracker was completed) while the track was active.</summary>
    StreamEnded,
}
