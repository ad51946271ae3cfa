using System.Text;
using Spectre.Console;

namespace EventDriven.Functions.Tests;

/// <summary>
/// The CLI's console output as Spectre sees it, with the two facts that decide wrapping set by the test: whether it is a
/// terminal and how wide Spectre thinks it is (80 is what Spectre assumes when it cannot ask a terminal).
/// </summary>
public sealed class FakeConsoleOutput(bool isTerminal, int width = 80) : IAnsiConsoleOutput
{
    private readonly StringWriter _writer = new();

    public TextWriter Writer => _writer;

    public bool IsTerminal { get; } = isTerminal;

    public int Width { get; } = width;

    public int Height => 24;

    public string Text => _writer.ToString();

    public void SetEncoding(Encoding encoding)
    {
    }
}
