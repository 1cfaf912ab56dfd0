using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace EdgeMlops.CloudHub.Review;

/// <summary>
/// Where a page of the review queue ended: the sort key of its last sample in the page's order (keyset paging, as
/// <see cref="Api.PageCursor"/> for record lists, but across devices and, for <see cref="ReviewOrder.Hardest"/>, by
/// confidence first). The confidence travels as its exact bits, so no sample is skipped or repeated by rounding.
/// </summary>
public sealed record ReviewCursor(ReviewOrder Order, double Confidence, long Time, string DeviceId, long Epoch, long Seq)
{
    public string Encode() => Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"{(Order == ReviewOrder.Hardest ? 'h' : 'o')}:{BitConverter.DoubleToInt64Bits(Confidence)}:{Time}:{Epoch}:{Seq}:{DeviceId}")));

    /// <summary>Decodes a cursor this API returned for a page in <paramref name="order"/>; false for anything else.</summary>
    public static bool TryDecode(string? text, ReviewOrder order, out ReviewCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(text) || text.Length > 256)
            return false;
        string decoded;
        try
        {
            decoded = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(text));
        }
        catch (FormatException)
        {
            return false;
        }
        var parts = decoded.Split(':', 6);
        if (parts.Length != 6 || parts[0] != (order == ReviewOrder.Hardest ? "h" : "o")
            || !long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bits)
            || !long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var time)
            || !long.TryParse(parts[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var epoch)
            || !long.TryParse(parts[4], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seq)
            || !Contracts.DeviceIds.IsValid(parts[5]))
            return false;
        var confidence = BitConverter.Int64BitsToDouble(bits);
        if (!double.IsFinite(confidence))
            return false;
        cursor = new ReviewCursor(order, confidence, time, parts[5], epoch, seq);
        return true;
    }
}
