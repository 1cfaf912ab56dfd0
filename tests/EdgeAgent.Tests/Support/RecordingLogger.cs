using Microsoft.Extensions.Logging;

namespace EdgeMlops.EdgeAgent.Tests.Support;

/// <summary>Keeps what was logged, from any thread, so a test can check that something was reported.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly List<(LogLevel Level, EventId Event, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, EventId Event, string Message)> Entries
    {
        get { lock (_entries) return [.. _entries]; }
    }

    public string Text => string.Join(Environment.NewLine, Entries.Select(e => $"{e.Level}: {e.Message}"));

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries) _entries.Add((logLevel, eventId, formatter(state, exception)));
    }
}
