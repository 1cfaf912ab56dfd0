namespace EdgeMlops.Contracts;

/// <summary>A payload that was refused, and why.</summary>
/// <param name="Kind">The cause, for counting.</param>
/// <param name="Reason">A sentence naming the offending field or position, for logs.</param>
public sealed record PayloadRejection(RejectionKind Kind, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind}: {Reason}";
}
