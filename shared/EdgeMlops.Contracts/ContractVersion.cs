namespace EdgeMlops.Contracts;

/// <summary>The message version this build writes and reads (the <c>"v"</c> property of every top-level message).</summary>
/// <remarks>
/// Readers ignore properties they do not know, so optional fields can be added within a version; anything a v1 reader
/// would misread (a renamed, removed or re-typed field) needs a new version.
/// </remarks>
public static class ContractVersion
{
    /// <summary>The only version this build understands.</summary>
    public const int Current = 1;
}
