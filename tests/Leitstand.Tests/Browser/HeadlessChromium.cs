using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;

namespace Leitstand.Tests.Browser;

/// <summary>
/// Minimal, dependency-free driver for Debian's headless Chromium over the Chrome DevTools Protocol.
/// One browser process, one page target, one WebSocket; responses are matched to requests by id.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly DirectoryInfo _userDataDir;
    private readonly ConcurrentQueue<string> _stderrTail = new();
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly CancellationTokenSource _shutdown = new();
    private Task _receiveLoop = Task.CompletedTask;
    private volatile Exception? _connectionFault;
    private int _nextId;
    private int _disposed;

    private HeadlessChromium(Process process, DirectoryInfo userDataDir)
    {
        _process = process;
        _userDataDir = userDataDir;
    }

    /// <summary>Starts headless Chromium (/usr/bin/chromium or $CHROMIUM_PATH) and attaches to its about:blank page.</summary>
    public static async Task<HeadlessChromium> LaunchAsync(CancellationToken ct = default)
    {
        var path = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } env ? env : "/usr/bin/chromium";
        if (!File.Exists(path))
            throw new InvalidOperationException("Chromium not found: install the Debian package 'chromium' (apt-get install chromium)");

        var userDataDir = Directory.CreateTempSubdirectory("leitstand-chromium-");
        var psi = new ProcessStartInfo(path)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
            $"--user-data-dir={userDataDir.FullName}", "about:blank",
        })
            psi.ArgumentList.Add(arg);

        var process = new Process { StartInfo = psi };
        var browser = new HeadlessChromium(process, userDataDir);
        try
        {
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, e) => browser.RememberStderr(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await browser.AttachAsync(ct);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Navigates and waits until the new document has finished loading (readyState 'complete').</summary>
    public async Task NavigateAsync(string url, CancellationToken ct = default)
    {
        // Tag the current document; a cross-document navigation replaces it, which the wait below detects.
        await EvaluateAsync("document.__leitstandOldPage = true", ct);
        var result = await SendAsync("Page.navigate", new { url }, ct);
        if (result.TryGetProperty("errorText", out var error))
            throw new InvalidOperationException($"Navigation to {url} failed: {error.GetString()}");

        var isNewPage = result.TryGetProperty("loaderId", out _)
            ? "document.__leitstandOldPage === undefined"
            : $"location.href === new URL({Js(url)}, location.href).href"; // same-document navigation (e.g. #hash)
        await WaitForAsync($"document.readyState === 'complete' && {isNewPage}", CommandTimeout, ct);
    }

    /// <summary>Evaluates a JS expression (promises are awaited) and returns its JSON value; undefined yields default(JsonElement).</summary>
    public async Task<JsonElement> EvaluateAsync(string expression, CancellationToken ct = default)
    {
        var result = await SendAsync("Runtime.evaluate", new { expression, returnByValue = true, awaitPromise = true }, ct);
        if (result.TryGetProperty("exceptionDetails", out var details))
        {
            var text = details.TryGetProperty("exception", out var ex) && ex.TryGetProperty("description", out var description)
                ? description.GetString()
                : details.GetProperty("text").GetString();
            throw new InvalidOperationException($"Evaluating `{expression}` threw: {text}");
        }
        return result.GetProperty("result").TryGetProperty("value", out var value) ? value : default;
    }

    /// <summary>Polls a JS boolean expression every 100 ms until it is true; errors during navigation are tolerated.</summary>
    public async Task WaitForAsync(string booleanExpression, TimeSpan timeout, CancellationToken ct = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        Exception? lastError = null;
        try
        {
            while (true)
            {
                try
                {
                    if ((await EvaluateAsync(booleanExpression, deadline.Token)).ValueKind == JsonValueKind.True)
                        return;
                }
                catch (InvalidOperationException ex) when (_connectionFault is null)
                {
                    lastError = ex; // e.g. "Execution context was destroyed" while the page navigates
                }
                await Task.Delay(100, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for `{booleanExpression}`"
                + (lastError is null ? "" : $" (last error: {lastError.Message})"));
        }
    }

    /// <summary>Focuses the element and inserts text as real input (fires input events).</summary>
    public async Task TypeAsync(string cssSelector, string text, CancellationToken ct = default)
    {
        await EvaluateAsync($"(() => {{ const el = {QueryElement(cssSelector)}; el.scrollIntoView({{ block: 'center', behavior: 'instant' }}); el.focus(); }})()", ct);
        await SendAsync("Input.insertText", new { text }, ct);
    }

    /// <summary>Scrolls the element into view and clicks its center with real mouse events (so form validation applies).</summary>
    public async Task ClickAsync(string cssSelector, CancellationToken ct = default)
    {
        var box = await EvaluateAsync($$"""
            (() => {
              const el = {{QueryElement(cssSelector)}};
              el.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
              const r = el.getBoundingClientRect();
              return { x: r.left + r.width / 2, y: r.top + r.height / 2, w: r.width, h: r.height };
            })()
            """, ct);
        if (box.GetProperty("w").GetDouble() <= 0 || box.GetProperty("h").GetDouble() <= 0)
            throw new InvalidOperationException($"Element '{cssSelector}' is not visible (empty bounding box)");

        double x = box.GetProperty("x").GetDouble(), y = box.GetProperty("y").GetDouble();
        await SendAsync("Input.dispatchMouseEvent", new { type = "mouseMoved", x, y }, ct);
        await SendAsync("Input.dispatchMouseEvent", new { type = "mousePressed", x, y, button = "left", clickCount = 1 }, ct);
        await SendAsync("Input.dispatchMouseEvent", new { type = "mouseReleased", x, y, button = "left", clickCount = 1 }, ct);
    }

    /// <summary>Emulates a phone: the viewport in CSS pixels, mobile (meta viewport honoured), touch events.</summary>
    public async Task EmulatePhoneAsync(int width = 390, int height = 844, CancellationToken ct = default)
    {
        await SendAsync("Emulation.setDeviceMetricsOverride", new { width, height, deviceScaleFactor = 3, mobile = true }, ct);
        await SendAsync("Emulation.setTouchEmulationEnabled", new { enabled = true, maxTouchPoints = 5 }, ct);
    }

    /// <summary>Presses a key as a person would (keyDown, keyUp): Tab, Enter, Space, ArrowDown, ArrowUp; <paramref name="shift"/> for Shift+Tab.</summary>
    public async Task PressAsync(string key, bool shift = false, CancellationToken ct = default)
    {
        var (code, keyCode, text) = key switch
        {
            "Tab" => ("Tab", 9, (string?)null),
            "Enter" => ("Enter", 13, "\r"),
            " " => ("Space", 32, " "),
            "ArrowDown" => ("ArrowDown", 40, null),
            "ArrowUp" => ("ArrowUp", 38, null),
            _ => throw new ArgumentException($"Key '{key}' is not mapped", nameof(key)),
        };
        var modifiers = shift ? 8 : 0;
        var down = new Dictionary<string, object> { ["type"] = text is null ? "rawKeyDown" : "keyDown", ["key"] = key, ["code"] = code,
            ["windowsVirtualKeyCode"] = keyCode, ["nativeVirtualKeyCode"] = keyCode, ["modifiers"] = modifiers };
        if (text is not null) down["text"] = text;
        await SendAsync("Input.dispatchKeyEvent", down, ct);
        await SendAsync("Input.dispatchKeyEvent", new { type = "keyUp", key, code, windowsVirtualKeyCode = keyCode, nativeVirtualKeyCode = keyCode, modifiers }, ct);
    }

    /// <summary>Presses Tab until the focused element matches <paramref name="cssSelector"/>; fails after <paramref name="maxTabs"/>.</summary>
    public async Task TabToAsync(string cssSelector, int maxTabs = 60, CancellationToken ct = default)
    {
        var trail = new List<string>();
        for (var i = 0; i < maxTabs; i++)
        {
            await PressAsync("Tab", ct: ct);
            if ((await EvaluateAsync($"!!document.activeElement?.matches({Js(cssSelector)})", ct)).ValueKind == JsonValueKind.True)
                return;
            trail.Add((await EvaluateAsync("(e => e ? e.tagName + (e.id ? '#' + e.id : '') : 'none')(document.activeElement)", ct)).GetString()!);
        }
        throw new InvalidOperationException($"Tab never reached '{cssSelector}' in {maxTabs} presses: {string.Join(" → ", trail)}");
    }

    /// <summary>Emulates a viewport of this size in CSS pixels (a phone: 390 × 844 with <paramref name="mobile"/>).</summary>
    public Task SetViewportAsync(int width, int height, bool mobile = false, CancellationToken ct = default) =>
        SendAsync("Emulation.setDeviceMetricsOverride", new { width, height, deviceScaleFactor = 1, mobile }, ct);

    /// <summary>Captures the viewport as PNG.</summary>
    public async Task<byte[]> ScreenshotAsync(CancellationToken ct = default)
    {
        var result = await SendAsync("Page.captureScreenshot", new { format = "png" }, ct);
        return Convert.FromBase64String(result.GetProperty("data").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        try
        {
            // Ask the browser to shut down cleanly (it reaps its own helpers); the connection drops instead of a reply.
            using var closeTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            if (_socket.State == WebSocketState.Open)
                await SendAsync("Browser.close", new { }, closeTimeout.Token);
        }
        catch { /* expected: connection closed; a hung browser is killed below */ }
        _shutdown.Cancel();
        try { await _receiveLoop.WaitAsync(TimeSpan.FromSeconds(2)); } catch { }
        _socket.Dispose();
        try
        {
            if (!await ExitedWithin(TimeSpan.FromSeconds(3)))
            {
                _process.Kill(entireProcessTree: true);
                await ExitedWithin(TimeSpan.FromSeconds(10));
            }
        }
        catch { /* never started, or already gone */ }
        _process.Dispose();
        for (var attempt = 0; attempt < 5 && Directory.Exists(_userDataDir.FullName); attempt++)
        {
            try { _userDataDir.Delete(recursive: true); }
            catch { await Task.Delay(200); } // late writes from exiting child processes
        }
        _shutdown.Dispose();
        _sendLock.Dispose();
    }

    private async Task<bool> ExitedWithin(TimeSpan timeout)
    {
        try { await _process.WaitForExitAsync().WaitAsync(timeout); }
        catch (TimeoutException) { }
        return _process.HasExited;
    }

    private async Task AttachAsync(CancellationToken ct)
    {
        using var startup = CancellationTokenSource.CreateLinkedTokenSource(ct);
        startup.CancelAfter(StartupTimeout);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var portFile = Path.Combine(_userDataDir.FullName, "DevToolsActivePort");
        string? webSocketUrl = null;
        try
        {
            while (webSocketUrl is null)
            {
                if (_process.HasExited)
                    throw new InvalidOperationException($"Chromium exited with code {_process.ExitCode}: {string.Join('\n', _stderrTail)}");
                // DevToolsActivePort holds two lines: the chosen port and the browser target's path.
                var lines = File.Exists(portFile) ? await File.ReadAllLinesAsync(portFile, startup.Token) : [];
                if (lines.Length >= 2 && int.TryParse(lines[0], out var port) && port > 0)
                {
                    try
                    {
                        using var targets = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list", startup.Token));
                        webSocketUrl = targets.RootElement.EnumerateArray()
                            .Where(t => t.GetProperty("type").GetString() == "page")
                            .Select(t => t.GetProperty("webSocketDebuggerUrl").GetString())
                            .FirstOrDefault();
                    }
                    catch (HttpRequestException) { /* endpoint not ready yet: retry */ }
                }
                if (webSocketUrl is null)
                    await Task.Delay(100, startup.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"Chromium did not expose a DevTools page target within {StartupTimeout.TotalSeconds} s: {string.Join('\n', _stderrTail)}");
        }

        await _socket.ConnectAsync(new Uri(webSocketUrl), startup.Token);
        _receiveLoop = Task.Run(ReceiveLoopAsync, CancellationToken.None);
    }

    private async Task<JsonElement> SendAsync(string method, object parameters, CancellationToken ct)
    {
        var id = Interlocked.Increment(ref _nextId);
        var response = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = response;
        try
        {
            if (_connectionFault is { } fault)
                throw new InvalidOperationException($"DevTools connection is closed: {fault.Message}", fault);
            var message = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters });
            await _sendLock.WaitAsync(ct);
            try
            {
                // Never cancel a WebSocket send mid-way: ClientWebSocket aborts the whole connection on cancellation.
                await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }
            finally
            {
                _sendLock.Release();
            }
            return await response.Task.WaitAsync(CommandTimeout, ct);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"DevTools command {method} got no response within {CommandTimeout.TotalSeconds} s");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        Exception fault = new WebSocketException("Connection closed by the browser");
        try
        {
            while (true)
            {
                message.SetLength(0);
                ValueWebSocketReceiveResult chunk;
                do
                {
                    chunk = await _socket.ReceiveAsync(buffer.AsMemory(), _shutdown.Token);
                    if (chunk.MessageType == WebSocketMessageType.Close)
                        return;
                    message.Write(buffer, 0, chunk.Count);
                } while (!chunk.EndOfMessage);
                Dispatch(message.GetBuffer().AsMemory(0, (int)message.Length));
            }
        }
        catch (Exception ex)
        {
            fault = ex;
        }
        finally
        {
            _connectionFault = fault;
            foreach (var id in _pending.Keys)
                if (_pending.TryRemove(id, out var pending))
                    pending.TrySetException(new InvalidOperationException($"DevTools connection is closed: {fault.Message}", fault));
        }
    }

    private void Dispatch(ReadOnlyMemory<byte> json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (!root.TryGetProperty("id", out var idProperty) || !_pending.TryRemove(idProperty.GetInt32(), out var pending))
            return; // an event, or a response nobody waits for any more
        if (root.TryGetProperty("error", out var error))
            pending.TrySetException(new InvalidOperationException($"DevTools error: {error.GetRawText()}"));
        else
            pending.TrySetResult(root.GetProperty("result").Clone());
    }

    private void RememberStderr(string? line)
    {
        if (line is null)
            return;
        _stderrTail.Enqueue(line);
        while (_stderrTail.Count > 30 && _stderrTail.TryDequeue(out _)) { }
    }

    private static string Js(string value) => JsonSerializer.Serialize(value);

    private static string QueryElement(string cssSelector) =>
        $"(document.querySelector({Js(cssSelector)}) ?? (() => {{ throw new Error('No element matches ' + {Js(cssSelector)}); }})())";
}
