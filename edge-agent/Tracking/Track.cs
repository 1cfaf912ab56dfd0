using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tracking;

/// <summary>One vehicle being followed: where it is, how fast it moves, what it looks like, whether it crossed the line.</summary>
internal sealed class Track
{
    /// <summary>Weight of the newest displacement in the velocity estimate; the rest smooths box jitter.</summary>
    private const double VelocitySmoothing = 0.5;

    private readonly ClassVote _vote = new();
    private Point2d _velocity; // pixels per second
    private int _side;
    private Point2d _sidePoint;

    public Track(long id, TrackObservation first, DateTimeOffset at, CountingLine? line)
    {
        Id = id;
        FirstSeen = at;
        Box = first.Box;
        Centre = BoxGeometry.Centre(first.Box);
        Apply(first, at, line);
    }

    public long Id { get; }
    public Rect Box { get; private set; }
    public Point2d Centre { get; private set; }
    public DateTimeOffset FirstSeen { get; }
    public DateTimeOffset LastSeen { get; private set; }
    public int Observations { get; private set; }
    public int Missed { get; set; }
    public CrossingDirection? Crossing { get; private set; }

    /// <summary>Where the box should be at <paramref name="at"/>, moving on at its current velocity.</summary>
    public Rect PredictedBox(DateTimeOffset at)
    {
        double seconds = (at - LastSeen).TotalSeconds;
        if (seconds <= 0) return Box;
        return new Rect(
            (int)Math.Round(Box.X + _velocity.X * seconds), (int)Math.Round(Box.Y + _velocity.Y * seconds),
            Box.Width, Box.Height);
    }

    public void Observe(TrackObservation observation, DateTimeOffset at, CountingLine? line)
    {
        var centre = BoxGeometry.Centre(observation.Box);
        double seconds = (at - LastSeen).TotalSeconds;
        if (seconds > 0)
        {
            var measured = (centre - Centre) * (1 / seconds);
            _velocity = Observations == 1 ? measured : _velocity * (1 - VelocitySmoothing) + measured * VelocitySmoothing;
        }
        Box = observation.Box;
        Centre = centre;
        Missed = 0;
        Apply(observation, at, line);
    }

    public CompletedTrack Complete(string cameraId, TrackEndReason reason, int topK)
    {
        var top = _vote.Classified > 0 ? _vote.Top(topK) : [];
        string? label = top.Count > 0 ? top[0].Label : null;
        return new CompletedTrack(
            cameraId, Id, label, label is null ? 0 : top[0].Probability, top,
            Box, label is null ? Box : _vote.BestBox(label),
            FirstSeen, LastSeen, Observations, Crossing is not null, Crossing, reason);
    }

    private void Apply(TrackObservation observation, DateTimeOffset at, CountingLine? line)
    {
        if (observation.IsClassified)
            _vote.Add(observation.Labels!, observation.Probabilities.Span, observation.Box);
        LastSeen = at;
        Observations++;
        if (line is not null) FollowLine(line);
    }

    /// <summary>
    /// Counts the first crossing only, so a vehicle stopping on the line and jittering across it counts once.
    /// The move is measured from the last point clearly on one side, so landing exactly on the line is no crossing yet.
    /// </summary>
    private void FollowLine(CountingLine line)
    {
        int side = line.SideOf(Centre);
        if (side == 0) return;
        if (Crossing is null && _side != 0 && side != _side)
            Crossing = line.Crossing(_sidePoint, Centre);
        _side = side;
        _sidePoint = Centre;
    }
}
