namespace EdgeMlops.Contracts;

/// <summary>Why a payload was refused, coarsely, so consumers can count rejections per cause.</summary>
public enum RejectionKind
{
    /// <summary>Not JSON, not an object, a wrong type, or a required field missing or null.</summary>
    Malformed,

    /// <summary>A version this build does not read.</summary>
    UnsupportedVersion,

    /// <summary>Larger than <see cref="PayloadLimits"/> allows for its topic; not even parsed.</summary>
    Oversized,

    /// <summary>Names another device than the topic it arrived on.</summary>
    WrongDevice,

    /// <summary>Well-formed, but a value breaks the contract (NaN confidence, bad device id, ...).</summary>
    Invalid,
}
