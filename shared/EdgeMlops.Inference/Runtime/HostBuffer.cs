using System.Runtime.InteropServices;

namespace EdgeMlops.Inference.Runtime;

/// <summary>
/// Native, page-aligned host memory for a session's inputs and outputs: it never moves (ONNX Runtime reads it
/// by pointer) and, on CUDA, is page-locked so that the copies to and from the device are DMA transfers instead
/// of staged through a driver buffer (GPU.md: pageable copies were part of what starved the GPU).
/// </summary>
internal sealed unsafe class HostBuffer : IDisposable
{
    private bool _disposed;

    public HostBuffer(long bytes, bool pageLock)
    {
        Bytes = Math.Max(bytes, 1);
        Pointer = (IntPtr)NativeMemory.AlignedAlloc((nuint)Bytes, 4096);
        NativeMemory.Clear((void*)Pointer, (nuint)Bytes);
        if (pageLock)
            PageLocked = CudaHostMemory.TryRegister(Pointer, (nuint)Bytes, out _);
    }

    public IntPtr Pointer { get; }
    public long Bytes { get; }
    public bool PageLocked { get; }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (PageLocked) CudaHostMemory.Unregister(Pointer);
        NativeMemory.AlignedFree((void*)Pointer);
    }
}

/// <summary>
/// cudaHostRegister / cudaHostUnregister from the CUDA runtime that ONNX Runtime's CUDA provider loads
/// (libcudart.so.13 for ORT 1.32), looked up at run time: machines without CUDA never load it.
/// </summary>
internal static unsafe class CudaHostMemory
{
    private static readonly Lazy<(IntPtr Register, IntPtr Unregister, string? Error)> Api = new(Load);

    /// <summary>Why page-locking is not available here; null when it is.</summary>
    public static string? Unavailable => Api.Value.Error;

    public static bool TryRegister(IntPtr pointer, nuint bytes, out string? reason)
    {
        var api = Api.Value;
        if (api.Error is not null)
        {
            reason = api.Error;
            return false;
        }
        // cudaHostRegisterPortable (1): pinned for every CUDA context, whichever device the session uses.
        int rc = ((delegate* unmanaged<IntPtr, nuint, uint, int>)api.Register)(pointer, bytes, 1);
        reason = rc == 0 ? null : $"cudaHostRegister returned error {rc}";
        return rc == 0;
    }

    public static void Unregister(IntPtr pointer)
    {
        var api = Api.Value;
        if (api.Error is null)
            _ = ((delegate* unmanaged<IntPtr, int>)api.Unregister)(pointer);
    }

    private static (IntPtr, IntPtr, string?) Load()
    {
        var errors = new List<string>();
        foreach (var name in new[] { "libcudart.so.13", "libcudart.so.12", "libcudart.so", "cudart64_13.dll", "cudart64_12.dll" })
        {
            if (!NativeLibrary.TryLoad(name, out var handle))
            {
                errors.Add(name);
                continue;
            }
            if (NativeLibrary.TryGetExport(handle, "cudaHostRegister", out var register)
                && NativeLibrary.TryGetExport(handle, "cudaHostUnregister", out var unregister))
                return (register, unregister, null);
            errors.Add($"{name} without cudaHostRegister");
        }
        return (IntPtr.Zero, IntPtr.Zero, $"no CUDA runtime library could be loaded ({string.Join(", ", errors)})");
    }
}
