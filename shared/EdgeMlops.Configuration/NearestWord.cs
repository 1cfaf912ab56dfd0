namespace EdgeMlops.Configuration;

/// <summary>Which of the words a program knows a mistyped one was probably meant to be: the fewest edits away.</summary>
public static class NearestWord
{
    /// <summary>The candidate closest to <paramref name="word"/>; null when there are none.</summary>
    public static string? Among(string word, IEnumerable<string> candidates) =>
        candidates.MinBy(candidate => Distance(word, candidate));

    /// <summary>The Levenshtein distance, ignoring case.</summary>
    public static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
