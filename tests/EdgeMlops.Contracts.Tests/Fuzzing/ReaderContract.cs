using EdgeMlops.Contracts.Text;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using CsCheck;

namespace EdgeMlops.Contracts.Tests.Fuzzing;

/// <summary>The shape of every <see cref="ContractReader"/> method.</summary>
internal delegate bool ContractRead<T>(ReadOnlySpan<byte> utf8Json,
    [NotNullWhen(true)] out T? message, [NotNullWhen(false)] out PayloadRejection? rejection) where T : class;

/// <summary>
/// What every contract reader promises for any input: a valid message or a rejection, never an exception, in time
/// and memory proportional to the input, with a reason fit for one log line.
/// </summary>
internal static class ReaderContract
{
    /// <summary>
    /// Iterations per property: a few hundred keeps the whole fuzz set within seconds on two cores. CsCheck's own
    /// <c>CsCheck_Iter</c> variable raises it for a longer run (a nightly job, a hunt after a change to a reader).
    /// </summary>
    public static readonly long Iterations =
        long.TryParse(Environment.GetEnvironmentVariable("CsCheck_Iter"), out var iterations) && iterations > 0 ? iterations : 600;

    /// <summary>Far above what a read of these inputs takes; a read that needs this long is quadratic or stuck.</summary>
    private static readonly TimeSpan SlowRead = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="property"/> for <see cref="Iterations"/> inputs of <paramref name="inputs"/>; fails with the shrunk input.</summary>
    public static void Sample<T>(Gen<T> inputs, Action<T> property, Func<T, string> print, long? iterations = null) =>
        inputs.Sample(property, iter: iterations ?? Iterations, print: print);

    /// <summary>
    /// Checks one read of <paramref name="input"/>; <paramref name="write"/> writes an accepted message back out, or is
    /// null for messages that carry raw JSON (batch payloads, desired properties): those are forwarded as the bytes that
    /// came, and may hold escapes (an unpaired <c>\ud800</c>) that the writer refuses to re-encode.
    /// </summary>
    public static void Holds<T>(byte[] input, ContractRead<T> read, Func<T, string?> findProblem, Func<T, byte[]>? write) where T : class
    {
        var outcome = Measure(input.Length, () => (read(input, out var message, out var rejection), message, rejection));
        Check(outcome.Item1, outcome.message, outcome.rejection, findProblem);
        if (outcome.Item1 && write is not null)
        {
            // Whatever was accepted can be written and is accepted again: the reader never lets through what the
            // writer cannot produce.
            var again = write(outcome.message!);
            if (!read(again, out _, out var second))
                throw new InvalidOperationException($"an accepted message was refused after a round trip: {second}");
        }
    }

    /// <summary>Runs <paramref name="read"/> and checks it stayed within the time and memory a read of <paramref name="inputLength"/> bytes may take.</summary>
    public static TResult Measure<TResult>(int inputLength, Func<TResult> read)
    {
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var result = read();
        var elapsed = clock.Elapsed;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        if (elapsed > SlowRead)
            throw new InvalidOperationException($"reading {inputLength} bytes took {elapsed}");
        // Objects for what was read plus the serializer's buffers: generous, but linear in the input.
        var budget = 64L * inputLength + 4 * 1024 * 1024;
        if (allocated > budget)
            throw new InvalidOperationException($"reading {inputLength} bytes allocated {allocated} bytes (budget {budget})");
        return result;
    }

    /// <summary>Checks an outcome: a valid message, or a rejection with a known kind and a short one-line reason.</summary>
    public static void Check<T>(bool accepted, T? message, PayloadRejection? rejection, Func<T, string?> findProblem) where T : class
    {
        if (accepted)
        {
            if (message is null || rejection is not null)
                throw new InvalidOperationException("accepted without a message, or with a rejection");
            if (findProblem(message) is { } problem)
                throw new InvalidOperationException($"accepted a message the validator refuses: {problem}");
            return;
        }
        if (message is not null || rejection is null)
            throw new InvalidOperationException("refused without a rejection, or with a message");
        CheckRejection(rejection);
    }

    public static void CheckRejection(PayloadRejection rejection)
    {
        if (!Enum.IsDefined(rejection.Kind))
            throw new InvalidOperationException($"unknown rejection kind {(int)rejection.Kind}");
        if (string.IsNullOrWhiteSpace(rejection.Reason))
            throw new InvalidOperationException("a rejection without a reason");
        if (rejection.Reason.Length > 1500)
            throw new InvalidOperationException($"a reason of {rejection.Reason.Length} characters");
        if (FindUnsafe(rejection.Reason) is { } at)
            throw new InvalidOperationException(
                $"the reason holds U+{(int)rejection.Reason[at]:X4}, which does not belong in a log line: {LogText.Escape(rejection.Reason)}");
    }

    /// <summary>Where <paramref name="text"/> holds a character that breaks or disguises a log line, or null.</summary>
    public static int? FindUnsafe(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsControl(c) || char.IsSurrogate(c)
                     || char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
                return i;
        }
        return null;
    }

    /// <summary>Input as CsCheck prints a failing case: short, escaped, and as hex when it is not UTF-8.</summary>
    public static string Show(byte[] input)
    {
        var text = new UTF8Encoding(false, true);
        try
        {
            return $"{input.Length} bytes: {LogText.Escape(text.GetString(input), 2000)}";
        }
        catch (DecoderFallbackException)
        {
            return $"{input.Length} bytes (not UTF-8): {Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 1000)))}";
        }
    }
}
