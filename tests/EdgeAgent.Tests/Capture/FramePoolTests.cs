using EdgeMlops.EdgeAgent.Capture;

namespace EdgeMlops.EdgeAgent.Tests.Capture;

public sealed class FramePoolTests
{
    [Fact]
    public void Frames_are_created_up_to_the_capacity_and_then_reused()
    {
        using var pool = new FramePool(capacity: 2);

        Assert.True(pool.TryRent(out var first));
        Assert.True(pool.TryRent(out var second));
        Assert.False(pool.TryRent(out _));

        first.Image.Create(240, 320, OpenCvSharp.MatType.CV_8UC3);
        var buffer = first.Image.Data;
        first.Dispose();
        Assert.True(pool.TryRent(out var again));

        Assert.Same(first, again);
        Assert.Equal(buffer, again.Image.Data); // the image memory itself is reused
        Assert.Equal(2, pool.Created);
        second.Dispose();
        again.Dispose();
    }

    [Fact]
    public void Disposing_a_frame_twice_returns_it_once()
    {
        using var pool = new FramePool(capacity: 2);
        pool.TryRent(out var frame);

        frame.Dispose();
        frame.Dispose();

        Assert.True(pool.TryRent(out var a));
        Assert.True(pool.TryRent(out var b));
        Assert.NotSame(a, b);
    }

    [Fact]
    public void A_frame_returned_after_the_pool_is_gone_frees_its_image()
    {
        var pool = new FramePool(capacity: 1);
        pool.TryRent(out var frame);
        frame.Image.Create(10, 10, OpenCvSharp.MatType.CV_8UC3);

        pool.Dispose();
        frame.Dispose();

        Assert.True(frame.Image.IsDisposed);
    }
}
