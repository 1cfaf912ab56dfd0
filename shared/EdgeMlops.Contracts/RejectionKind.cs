namespace EdgeMlops.Contracts;

/// <summary>Why a payload was refused, coarsely, so consumers can count rejections per cause.</summary>
public enum RejectionKind
{
    /// <summary>Not JSON, not an object, a wrong type, or a required field missing or null.</summary>
    Malformed,

    /// <summary>A version this build does not read.</summary>
    UnsupportedVersion,

    /// <summary>
    /// Larger than <see cref="PayloadLimits"/> allows for its topic (not even parsed), or a record in a batch larger
    /// than <see cref="PayloadLimits.RecordBytes"/>.
    /// </summary>
    Oversized,

    /// <summary>Names another device than the topic it arrived on.</summary>
    WrongDevice,

    /// <summary>Well-formed, but a value breaks the contract (NaN confidence, bad device id, ...).</summary>
    Invalid,

    /// <summary>A text field, list or map longer than <see cref="FieldLimits"/> allows (a 1 MB camera id, 5,000 top-k entries).</summary>
    FieldTooLong,

    /// <summary>Well-formed, but the device has used up its sample quota (bytes per hour or bytes stored).</summary>
    QuotaExceeded,
}
