using System.Buffers.Text;
using System.Globalization;
using System.Text;
using EdgeMlops.CloudHub.Storage;

namespace EdgeMlops.CloudHub.Api;

/// <summary>
/// The opaque <c>cursor</c> of a page: the key of the last record returned, so the next page starts right after it
/// (keyset paging: stable while new records arrive, and as cheap on page 1000 as on page 1).
/// </summary>
public static class PageCursor
{
    public static string Encode(RecordKey key) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{key.Time}:{key.Epoch}:{key.Seq}")));

    public static bool TryDecode(string? cursor, out RecordKey key)
    {
        key = default;
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 128)
            return false;
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(cursor);
        }
        catch (FormatException)
        {
            return false;
        }
        var parts = Encoding.ASCII.GetString(bytes).Split(':');
        if (parts.Length != 3
            || !long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var time)
            || !long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var epoch)
            || !long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seq))
            return false;
        key = new RecordKey(time, epoch, seq);
        return true;
    }

    /// <summary>The cursor of a list ordered by a single id, e.g. the audit log.</summary>
    public static string EncodeId(long id) => Base64Url.EncodeToString(Encoding.ASCII.GetBytes(id.ToString(CultureInfo.InvariantCulture)));

    public static bool TryDecodeId(string? cursor, out long id)
    {
        id = 0;
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 32)
            return false;
        try
        {
            return long.TryParse(Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor)), NumberStyles.None, CultureInfo.InvariantCulture, out id);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
