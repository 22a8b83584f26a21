using System.Globalization;
using System.Reflection;
using Gateway.App.Infrastructure.Database;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Gateway.App.Tests.SqlServer;

/// <summary>One SQL text the app can send to SQL Server, rebuilt from its source.</summary>
/// <param name="Where">file:line of the string (or of the call that sends it).</param>
/// <param name="Member">The type member (method, property, field) it is written in.</param>
/// <param name="Variants">Every text it can take (a condition that is not about the dialect yields both branches).</param>
/// <param name="Unresolved">Holes the extractor could not evaluate, each with why; empty when the texts are exact up to typed placeholders.</param>
public sealed record ExtractedSql(string Where, string Member, IReadOnlyList<string> Variants, IReadOnlyList<string> Unresolved)
{
    public override string ToString() => Where;
}

/// <summary>
/// Finds every SQL string in src/Gateway.App with Roslyn and rebuilds the text SQL Server receives:
/// <list type="bullet">
/// <item>the sinks: the <c>sql</c> argument of Dapper's Execute*/Query* calls and assignments to <c>CommandText</c>;</item>
/// <item>any other string that starts like a statement (SELECT, INSERT, UPDATE, DELETE, WITH, MERGE, IF, CREATE) and was not
/// already part of a sink's text (constants read elsewhere, builders' fragments);</item>
/// </list>
/// Holes are evaluated, not guessed: constants and const fields by the compiler; every member of <see cref="SqlDialect"/> by
/// reflection on the real SQL Server dialect; static members and methods of the app by reflection with the evaluated
/// arguments; locals through their single definition; local functions inlined; <c>string.Join</c> over a local list as all of
/// its items at once (each <c>Add</c> a clause of the same list, so "every clause" is a valid representative); a condition
/// about the provider (<c>IsSqlite</c>, <c>is SqliteConnection</c>, <c>Provider == …</c>) takes SQL Server's branch, any other
/// condition yields both; a string parameter takes the argument of every call. An integer hole the extractor cannot evaluate
/// becomes <c>1</c> (an int always renders as digits, so the grammar is the same for every value); anything else is reported.
/// </summary>
public sealed class SqlSourceExtractor
{
    private const int MaxVariants = 16;
    private static readonly string[] StatementStarts = ["SELECT ", "INSERT ", "UPDATE ", "DELETE ", "WITH ", "MERGE ", "IF ", "CREATE ", "ALTER ", "DROP "];
    private static readonly SqlDialect SqlServer = SqlDialect.For(DatabaseProvider.SqlServer);
    private static readonly Assembly App = typeof(SqlDialect).Assembly;

    private readonly string _root;
    private readonly CSharpCompilation _compilation;
    private readonly HashSet<SyntaxNode> _covered = [];
    private SemanticModel _model = null!;
    private string _file = "";
    private readonly List<string> _unresolved = [];
    private readonly Stack<Dictionary<ISymbol, Result>> _bound = new();

    public SqlSourceExtractor(string appFolder)
    {
        _root = appFolder;
        var files = System.IO.Directory.EnumerateFiles(appFolder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .OrderBy(f => f, StringComparer.Ordinal);
        var options = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Preview);
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), options, path: f)).ToList();
        // The Web SDK's implicit usings (the obj folder's GlobalUsings.g.cs is not there on a fresh clone).
        trees.Add(CSharpSyntaxTree.ParseText(string.Join('\n', new[]
        {
            "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Net.Http.Json", "System.Threading",
            "System.Threading.Tasks", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Http",
            "Microsoft.AspNetCore.Routing", "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection",
            "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
        }.Select(n => $"global using global::{n};")), options, path: "GlobalUsings.g.cs"));
        _compilation = CSharpCompilation.Create("Gateway.App.Sql", trees, References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    /// <summary>How many source files were read (a sanity check that the walk found the app).</summary>
    public int Files => _compilation.SyntaxTrees.Count() - 1;

    private static IEnumerable<MetadataReference> References()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(System.IO.Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
            .Where(p => !Path.GetFileName(p).Equals("Gateway.App.dll", StringComparison.OrdinalIgnoreCase)) // compiled from source here
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase).Select(g => g.First());
        foreach (var path in paths)
        {
            MetadataReference? reference = null;
            try { reference = MetadataReference.CreateFromFile(path); } catch (IOException) { } catch (BadImageFormatException) { }
            if (reference is not null) yield return reference;
        }
    }

    public IReadOnlyList<ExtractedSql> Extract()
    {
        var found = new List<ExtractedSql>();
        var standalone = new List<(SyntaxTree Tree, ExpressionSyntax Expr)>();
        foreach (var tree in _compilation.SyntaxTrees.Where(t => t.FilePath != "GlobalUsings.g.cs"))
        {
            _model = _compilation.GetSemanticModel(tree);
            _file = Path.GetRelativePath(_root, tree.FilePath).Replace('\\', '/');
            // SqlDialect's own strings are reached through reflection on the SQL Server dialect, never read as text.
            if (_file.EndsWith("Infrastructure/Database/SqlDialect.cs", StringComparison.Ordinal)) continue;
            var root = tree.GetRoot();
            foreach (var sink in Sinks(root))
            {
                if (SqliteOnly(sink)) continue;
                found.Add(Evaluate(sink));
            }
            foreach (var s in root.DescendantNodes().OfType<ExpressionSyntax>().Select(WholeStatementString).OfType<ExpressionSyntax>().Distinct())
                standalone.Add((tree, s));
        }
        foreach (var (tree, expr) in standalone)
        {
            if (expr.DescendantNodesAndSelf().Any(_covered.Contains)) continue;
            _model = _compilation.GetSemanticModel(tree);
            _file = Path.GetRelativePath(_root, tree.FilePath).Replace('\\', '/');
            if (SqliteOnly(expr)) continue;
            found.Add(Evaluate(expr));
        }
        return found;
    }

    // ---- Where SQL is sent ------------------------------------------------------------------------------------------

    private IEnumerable<ExpressionSyntax> Sinks(SyntaxNode root)
    {
        foreach (var call in root.DescendantNodes().OfType<InvocationExpressionSyntax>())
        {
            var name = call.Expression switch
            {
                MemberAccessExpressionSyntax m => m.Name.Identifier.Text,
                IdentifierNameSyntax i => i.Identifier.Text,
                GenericNameSyntax g => g.Identifier.Text,
                _ => null,
            };
            if (name is null || !(name.StartsWith("Execute", StringComparison.Ordinal) || name.StartsWith("Query", StringComparison.Ordinal))) continue;
            if (_model.GetSymbolInfo(call).Symbol is not IMethodSymbol method || method.ContainingType.Name != "SqlMapper") continue;
            var sql = call.ArgumentList.Arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.Text == "sql")
                      ?? call.ArgumentList.Arguments.FirstOrDefault(a => a.NameColon is null);
            if (sql is not null) yield return sql.Expression;
        }
        foreach (var assignment in root.DescendantNodes().OfType<AssignmentExpressionSyntax>())
            if (assignment.Left is MemberAccessExpressionSyntax { Name.Identifier.Text: "CommandText" })
                yield return assignment.Right;
    }

    /// <summary>A string that starts like a statement, read whole: `"SELECT …" + "…"` is one statement.</summary>
    private static ExpressionSyntax? WholeStatementString(ExpressionSyntax e)
    {
        if (e is not (LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } or InterpolatedStringExpressionSyntax)) return null;
        var text = e is LiteralExpressionSyntax l ? l.Token.ValueText : string.Concat(((InterpolatedStringExpressionSyntax)e).Contents.Take(1).OfType<InterpolatedStringTextSyntax>().Select(t => t.TextToken.ValueText));
        text = text.TrimStart();
        if (!StatementStarts.Any(s => text.StartsWith(s, StringComparison.Ordinal))) return null;
        ExpressionSyntax whole = e;
        while (whole.Parent is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } b && b.Left == whole) whole = b;
        return whole;
    }

    /// <summary>In a branch only SQLite takes (then-branch of a provider test that is false for SQL Server, or its else).</summary>
    private bool SqliteOnly(SyntaxNode node)
    {
        for (var child = node; child.Parent is { } parent; child = parent)
        {
            var (condition, whenTrue, whenFalse) = parent switch
            {
                ConditionalExpressionSyntax c => (c.Condition, (SyntaxNode)c.WhenTrue, (SyntaxNode)c.WhenFalse),
                IfStatementSyntax i => (i.Condition, i.Statement, (SyntaxNode?)i.Else),
                _ => (null, null, null),
            };
            if (condition is null) continue;
            var value = Truth(condition);
            if (value == false && child == whenTrue) return true;
            if (value == true && child == whenFalse) return true;
        }
        return false;
    }

    // ---- Evaluation -------------------------------------------------------------------------------------------------

    /// <summary>Possible values of an expression; <c>Hole</c> marks a part that could not be evaluated.</summary>
    private sealed record Result(IReadOnlyList<object?> Values)
    {
        public static Result Of(object? value) => new([value]);
    }

    private sealed record Hole(string Text);

    private ExtractedSql Evaluate(ExpressionSyntax expr)
    {
        _unresolved.Clear();
        var result = Eval(expr);
        var line = expr.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
        var texts = result.Values.Select(v => v switch
        {
            string s => s,
            null => null,
            _ => Unresolved(expr, $"the SQL is a {v.GetType().Name}, not a string"),
        }).OfType<string>().Distinct().ToList();
        var member = expr.Ancestors().OfType<MemberDeclarationSyntax>().FirstOrDefault(m => m is not BaseTypeDeclarationSyntax) switch
        {
            MethodDeclarationSyntax m => m.Identifier.Text,
            PropertyDeclarationSyntax p => p.Identifier.Text,
            FieldDeclarationSyntax f => f.Declaration.Variables.First().Identifier.Text,
            ConstructorDeclarationSyntax => ".ctor",
            _ => "",
        };
        return new ExtractedSql($"{_file}:{line}", member, texts, _unresolved.Distinct().ToList());
    }

    private string Unresolved(SyntaxNode node, string why)
    {
        var text = node.ToString();
        var line = node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
        _unresolved.Add($"line {line}: {{{text}}} ({why})");
        return $"⟦{text}⟧";
    }

    private Result Eval(ExpressionSyntax expr)
    {
        _covered.Add(expr);
        if (_bound.Count > 0 && expr is IdentifierNameSyntax id0 && _model.GetSymbolInfo(id0).Symbol is { } s0 && _bound.Peek().TryGetValue(s0, out var bound))
            return bound;
        var constant = _model.GetConstantValue(expr);
        if (constant.HasValue) return Result.Of(constant.Value);
        var type = _model.GetTypeInfo(expr).Type;
        if (type is not null && type.Name == nameof(SqlDialect)) return Result.Of(SqlServer);
        if (type is not null && type.Name == nameof(DatabaseProvider)) { var p = Provider(expr); if (p is not null) return Result.Of(p); }

        switch (expr)
        {
            case ParenthesizedExpressionSyntax p:
                return Eval(p.Expression);
            case InterpolatedStringExpressionSyntax s:
                return Concat(s.Contents.Select(part => part switch
                {
                    InterpolatedStringTextSyntax t => Result.Of(t.TextToken.ValueText),
                    InterpolationSyntax h => Format(h),
                    _ => Result.Of(Unresolved(part, "unknown part")),
                }));
            case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } add when IsString(add):
                return Concat([Eval(add.Left), Eval(add.Right)]);
            case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.CoalesceExpression } co:
                return Union(Eval(co.Left).Values.Where(v => v is not null).Select(Result.Of).Append(Eval(co.Right)));
            case ConditionalExpressionSyntax c:
                return Truth(c.Condition) switch
                {
                    true => Eval(c.WhenTrue),
                    false => Eval(c.WhenFalse),
                    null => Union([Eval(c.WhenTrue), Eval(c.WhenFalse)]),
                };
            case IdentifierNameSyntax or MemberAccessExpressionSyntax:
                return Symbol(expr);
            case InvocationExpressionSyntax call:
                return Invoke(call);
            case LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NullLiteralExpression }:
                return Result.Of(null);
        }
        return Placeholder(expr, "not evaluated");
    }

    private Result Format(InterpolationSyntax hole)
    {
        var value = Eval(hole.Expression);
        var format = hole.FormatClause?.FormatStringToken.ValueText;
        return new(value.Values.Select(v => (object?)(v switch
        {
            string s => s,
            IFormattable f => f.ToString(format, CultureInfo.InvariantCulture),
            null => "",
            _ => v.ToString(),
        })).ToList());
    }

    /// <summary>An int-like hole renders as digits whatever its value: 1 stands for all; anything else is reported.</summary>
    private Result Placeholder(ExpressionSyntax expr, string why)
    {
        var type = _model.GetTypeInfo(expr).Type;
        if (type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Int16 or SpecialType.System_Byte) return Result.Of(1);
        return Result.Of(Unresolved(expr, why));
    }

    private bool IsString(ExpressionSyntax e) => _model.GetTypeInfo(e).Type?.SpecialType == SpecialType.System_String;

    private static Result Concat(IEnumerable<Result> parts)
    {
        IReadOnlyList<string?> acc = [""];
        foreach (var part in parts)
            acc = acc.SelectMany(a => part.Values.Select(v => a + ToText(v))).Distinct().Take(MaxVariants).ToList();
        return new(acc.Cast<object?>().ToList());
    }

    private static string ToText(object? v) => v switch
    {
        null => "",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    private static Result Union(IEnumerable<Result> results) => new(results.SelectMany(r => r.Values).Distinct().Take(MaxVariants).ToList());

    /// <summary>The provider in force: SQL Server for any `Provider` member (the SQLite value only as a constant).</summary>
    private object? Provider(ExpressionSyntax expr) =>
        expr is MemberAccessExpressionSyntax { Name.Identifier.Text: "Provider" } or IdentifierNameSyntax { Identifier.Text: "Provider" } ? DatabaseProvider.SqlServer : null;

    /// <summary>A condition's value on SQL Server, or null when it depends on something else.</summary>
    private bool? Truth(ExpressionSyntax condition)
    {
        switch (condition)
        {
            case ParenthesizedExpressionSyntax p: return Truth(p.Expression);
            case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not: return !Truth(not.Operand);
            case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.IsExpression } isType:
                return SqliteType(isType.Right.ToString());
            case IsPatternExpressionSyntax { Pattern: DeclarationPatternSyntax d }: return SqliteType(d.Type.ToString());
            case IsPatternExpressionSyntax { Pattern: TypePatternSyntax t }: return SqliteType(t.Type.ToString());
            case IsPatternExpressionSyntax { Pattern: ConstantPatternSyntax { Expression: var k } } ip when IsProviderType(ip.Expression):
                return Equals(Eval(ip.Expression).Values.Single(), Eval(k).Values.Single() is { } kv ? Enum.ToObject(typeof(DatabaseProvider), kv) : null);
            case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.EqualsExpression or (int)SyntaxKind.NotEqualsExpression } eq when IsProviderType(eq.Left) || IsProviderType(eq.Right):
                {
                    var l = ProviderValue(eq.Left); var r = ProviderValue(eq.Right);
                    if (l is null || r is null) return null;
                    return eq.IsKind(SyntaxKind.EqualsExpression) ? l == r : l != r;
                }
            case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalAndExpression } and:
                { var l = Truth(and.Left); var r = Truth(and.Right); return l == false || r == false ? false : l == true && r == true ? true : null; }
            case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalOrExpression } or:
                { var l = Truth(or.Left); var r = Truth(or.Right); return l == true || r == true ? true : l == false && r == false ? false : null; }
        }
        if (_model.GetTypeInfo(condition).Type?.SpecialType != SpecialType.System_Boolean) return null;
        // Only members of the dialect (IsSqlite) and constants decide a branch; any other test yields both.
        if (_model.GetConstantValue(condition) is { HasValue: true, Value: bool b }) return b;
        if (condition is MemberAccessExpressionSyntax m && _model.GetTypeInfo(m.Expression).Type?.Name == nameof(SqlDialect))
        {
            var before = _unresolved.Count;
            var value = Eval(condition).Values;
            if (_unresolved.Count == before && value is [bool v]) return v;
        }
        return null;
    }

    private static bool? SqliteType(string type) =>
        type.EndsWith("SqliteConnection", StringComparison.Ordinal) ? false : type.EndsWith("SqlConnection", StringComparison.Ordinal) ? true : null;

    private bool IsProviderType(ExpressionSyntax e) => _model.GetTypeInfo(e).Type?.Name == nameof(DatabaseProvider);

    private DatabaseProvider? ProviderValue(ExpressionSyntax e)
    {
        if (Provider(e) is DatabaseProvider p) return p;
        return _model.GetConstantValue(e) is { HasValue: true, Value: { } v } ? (DatabaseProvider)System.Convert.ToInt32(v, CultureInfo.InvariantCulture) : null;
    }

    private Result Symbol(ExpressionSyntax expr)
    {
        var symbol = _model.GetSymbolInfo(expr).Symbol;
        switch (symbol)
        {
            case ILocalSymbol local:
                return Local(local, expr);
            case IParameterSymbol parameter when parameter.Type.SpecialType == SpecialType.System_String:
                return CallSites(parameter, expr);
            case IParameterSymbol:
                return Placeholder(expr, "a parameter of the method");
            case IFieldSymbol or IPropertySymbol when expr is MemberAccessExpressionSyntax m && _model.GetTypeInfo(m.Expression).Type?.Name == nameof(SqlDialect):
                return new(Eval(m.Expression).Values.Select(d => d is SqlDialect dialect ? Member(dialect, symbol.Name) : Unresolved(expr, "dialect not known")).ToList());
            case IFieldSymbol { IsStatic: true } or IPropertySymbol { IsStatic: true } when RuntimeType(symbol.ContainingType) is { } t:
                {
                    var flags = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
                    object? value = symbol is IFieldSymbol ? t.GetField(symbol.Name, flags)?.GetValue(null) : t.GetProperty(symbol.Name, flags)?.GetValue(null);
                    return Result.Of(value);
                }
        }
        return Placeholder(expr, symbol is null ? "unknown symbol" : $"the {symbol.Kind.ToString().ToLowerInvariant()} {symbol.Name}");
    }

    private readonly HashSet<IParameterSymbol> _following = new(SymbolEqualityComparer.Default);

    /// <summary>A string parameter of a method of the app: the values of the argument at every call of it.</summary>
    private Result CallSites(IParameterSymbol parameter, ExpressionSyntax use)
    {
        if (parameter.ContainingSymbol is not IMethodSymbol method || method.MethodKind is MethodKind.AnonymousFunction or MethodKind.LambdaMethod
            || !_following.Add(parameter))
            return Placeholder(use, $"the parameter {parameter.Name}");
        var (model, file) = (_model, _file);
        try
        {
            var results = new List<Result>();
            foreach (var tree in _compilation.SyntaxTrees)
            {
                var root = tree.GetRoot();
                var calls = root.DescendantNodes().OfType<InvocationExpressionSyntax>()
                    .Where(c => (c.Expression as MemberAccessExpressionSyntax)?.Name.Identifier.Text == method.Name || (c.Expression as IdentifierNameSyntax)?.Identifier.Text == method.Name).ToList();
                if (calls.Count == 0) continue;
                _model = _compilation.GetSemanticModel(tree);
                _file = Path.GetRelativePath(_root, tree.FilePath).Replace('\\', '/');
                foreach (var call in calls)
                {
                    if (!SymbolEqualityComparer.Default.Equals((_model.GetSymbolInfo(call).Symbol as IMethodSymbol)?.OriginalDefinition, method.OriginalDefinition)) continue;
                    var args = call.ArgumentList.Arguments;
                    var arg = args.FirstOrDefault(a => a.NameColon?.Name.Identifier.Text == parameter.Name)
                              ?? (parameter.Ordinal < args.Count && args[parameter.Ordinal].NameColon is null ? args[parameter.Ordinal] : null);
                    if (arg is not null) results.Add(Eval(arg.Expression));
                    else if (parameter.HasExplicitDefaultValue) results.Add(Result.Of(parameter.ExplicitDefaultValue));
                }
            }
            (_model, _file) = (model, file);
            return results.Count == 0 ? Placeholder(use, $"the parameter {parameter.Name}, never passed") : Union(results);
        }
        finally
        {
            (_model, _file) = (model, file);
            _following.Remove(parameter);
        }
    }

    private static object? Member(SqlDialect dialect, string name) =>
        typeof(SqlDialect).GetProperty(name)?.GetValue(dialect) ?? typeof(SqlDialect).GetField(name)?.GetValue(dialect);

    /// <summary>A local through its definitions: the initializer and any later `=` (each a variant).</summary>
    private Result Local(ILocalSymbol local, ExpressionSyntax use)
    {
        var declarator = local.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<VariableDeclaratorSyntax>().FirstOrDefault();
        if (declarator is null) return Placeholder(use, "a local that is not a plain declaration (deconstructed, a loop variable or an out)");
        var body = declarator.Ancestors().FirstOrDefault(a => a is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax or AnonymousFunctionExpressionSyntax) ?? declarator.SyntaxTree.GetRoot();
        bool IsLocal(ExpressionSyntax e) => SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(e).Symbol, local);
        var definitions = new List<ExpressionSyntax>();
        var appended = new List<ExpressionSyntax>();
        if (declarator.Initializer is { } init) definitions.Add(init.Value);
        foreach (var a in body.DescendantNodes().OfType<AssignmentExpressionSyntax>())
        {
            if (a.Left is TupleExpressionSyntax tuple)
            {
                // (where, args) = ("…", new { … }): the element in the same place.
                var at = tuple.Arguments.ToList().FindIndex(x => IsLocal(x.Expression));
                if (at < 0) continue;
                if (a.Right is TupleExpressionSyntax values && at < values.Arguments.Count) definitions.Add(values.Arguments[at].Expression);
                else return Placeholder(use, $"the local {local.Name} is deconstructed from a call");
            }
            else if (!IsLocal(a.Left)) continue;
            else if (a.IsKind(SyntaxKind.SimpleAssignmentExpression)) definitions.Add(a.Right);
            // where += " AND …": every clause at once, as for a list's Adds.
            else if (a.IsKind(SyntaxKind.AddAssignmentExpression)) appended.Add(a.Right);
            else return Placeholder(use, $"the local {local.Name} is built up with {a.OperatorToken.Text}");
        }
        if (definitions.Count == 0) return Placeholder(use, $"the local {local.Name} has no value");
        if (local.Type is INamedTypeSymbol { Name: "List" } && use.Parent is not ArgumentSyntax) return Placeholder(use, "a list used other than by string.Join");
        var value = Union(definitions.Select(Eval));
        return appended.Count == 0 ? value : Concat(appended.Select(Eval).Prepend(value));
    }

    private Result Invoke(InvocationExpressionSyntax call)
    {
        var symbol = _model.GetSymbolInfo(call).Symbol as IMethodSymbol;
        if (symbol is null) return Placeholder(call, "a call the compiler could not bind");
        var receiver = (call.Expression as MemberAccessExpressionSyntax)?.Expression;
        var args = call.ArgumentList.Arguments;

        // string.Join over a list built here, an array or a collection expression: every item at once.
        if (symbol is { Name: "Join", ContainingType.SpecialType: SpecialType.System_String } && args.Count == 2)
        {
            var items = Items(args[1].Expression);
            if (items is null) return Placeholder(call, "string.Join over a collection the extractor cannot list");
            var separator = Eval(args[0].Expression);
            return new(separator.Values.SelectMany(sep => Combine(items).Select(list => (object?)string.Join(ToText(sep), list.Where(x => x is not null).Select(ToText)))).Distinct().Take(MaxVariants).ToList());
        }
        if (symbol is { Name: "ToString" } && args.Count == 0 && receiver is not null)
            return new(Eval(receiver).Values.Select(v => (object?)ToText(v)).ToList());
        if (symbol is { Name: "Replace" or "Trim" or "TrimStart" or "TrimEnd" or "ToUpperInvariant" or "ToLowerInvariant", ContainingType.SpecialType: SpecialType.System_String } && receiver is not null)
            return Reflect(call, typeof(string), symbol, Eval(receiver), args);
        if (symbol.ContainingType.Name == nameof(SqlDialect) && receiver is not null)
            return Reflect(call, typeof(SqlDialect), symbol, Eval(receiver), args);
        if (symbol.MethodKind == MethodKind.LocalFunction) return Inline(call, symbol);
        if (symbol.IsStatic && RuntimeType(symbol.ContainingType) is { } type)
            return Reflect(call, type, symbol, Result.Of(null), args);
        return Placeholder(call, $"a call of {symbol.ContainingType.Name}.{symbol.Name}");
    }

    private Result Reflect(InvocationExpressionSyntax call, Type type, IMethodSymbol symbol, Result target, SeparatedSyntaxList<ArgumentSyntax> args)
    {
        var before = _unresolved.Count;
        var values = args.Select(a => Eval(a.Expression)).ToList();
        var failed = _unresolved.Count > before;
        if (failed) _unresolved.RemoveRange(before, _unresolved.Count - before); // reported once, as the call
        var method = type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance)
            .FirstOrDefault(m => m.Name == symbol.Name && m.GetParameters().Length == symbol.Parameters.Length
                                 && m.GetParameters().Select(p => p.ParameterType.Name).SequenceEqual(symbol.Parameters.Select(p => p.Type.MetadataName)));
        if (method is null || failed || values.SelectMany(v => v.Values).Any(v => v is string s && s.Contains('⟦')))
            return Result.Of(Unresolved(call, $"a call of {type.Name}.{symbol.Name} with an argument that is not known"));
        var results = new List<object?>();
        foreach (var t in target.Values)
        foreach (var list in Combine(values))
        {
            var converted = list.Select((v, i) => Convert(v, method.GetParameters()[i].ParameterType)).ToArray();
            results.Add(method.Invoke(method.IsStatic ? null : t, converted));
        }
        return new(results.Distinct().Take(MaxVariants).ToList());
    }

    private static object? Convert(object? value, Type to) =>
        value is null || to.IsInstanceOfType(value) ? value
        : to.IsEnum ? Enum.ToObject(to, value)
        : System.Convert.ChangeType(value, Nullable.GetUnderlyingType(to) ?? to, CultureInfo.InvariantCulture);

    private Result Inline(InvocationExpressionSyntax call, IMethodSymbol function)
    {
        var declaration = function.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<LocalFunctionStatementSyntax>().FirstOrDefault();
        var body = declaration?.ExpressionBody?.Expression
                   ?? (declaration?.Body?.Statements is [ReturnStatementSyntax { Expression: { } returned }] ? returned : null);
        if (body is null) return Placeholder(call, $"the local function {function.Name} is not a single expression");
        var scope = new Dictionary<ISymbol, Result>(SymbolEqualityComparer.Default);
        for (var i = 0; i < function.Parameters.Length && i < call.ArgumentList.Arguments.Count; i++)
            scope[function.Parameters[i]] = Eval(call.ArgumentList.Arguments[i].Expression);
        _bound.Push(scope);
        try { return Eval(body); }
        finally { _bound.Pop(); }
    }

    /// <summary>The items of a collection: a local list (initializer and every Add), an array or collection expression; a Where(…) filter is looked through.</summary>
    private List<Result>? Items(ExpressionSyntax e)
    {
        switch (e)
        {
            case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "Where" or "ToList" or "ToArray" } m }:
                return Items(m.Expression);
            case ImplicitArrayCreationExpressionSyntax a: return a.Initializer.Expressions.Select(Eval).ToList();
            case ArrayCreationExpressionSyntax { Initializer: { } ai }: return ai.Expressions.Select(Eval).ToList();
            case CollectionExpressionSyntax c: return c.Elements.OfType<ExpressionElementSyntax>().Select(x => Eval(x.Expression)).ToList();
            case IdentifierNameSyntax id when _model.GetSymbolInfo(id).Symbol is ILocalSymbol local:
                {
                    var declarator = local.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<VariableDeclaratorSyntax>().FirstOrDefault();
                    if (declarator?.Initializer?.Value is not { } init) return null;
                    var items = init switch
                    {
                        ObjectCreationExpressionSyntax { Initializer: { } oi } => oi.Expressions.Select(Eval).ToList(),
                        ImplicitObjectCreationExpressionSyntax { Initializer: { } ii } => ii.Expressions.Select(Eval).ToList(),
                        ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax => [],
                        _ => Items(init),
                    };
                    if (items is null) return null;
                    var body = declarator.Ancestors().First(a => a is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax or AnonymousFunctionExpressionSyntax);
                    foreach (var add in body.DescendantNodes().OfType<InvocationExpressionSyntax>())
                        if (add.Expression is MemberAccessExpressionSyntax { Name.Identifier.Text: "Add" } am
                            && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(am.Expression).Symbol, local)
                            && add.ArgumentList.Arguments.Count == 1)
                            items.Add(Eval(add.ArgumentList.Arguments[0].Expression));
                    _covered.Add(id);
                    return items;
                }
        }
        return null;
    }

    /// <summary>One list per variant: the first value of every item, then each further value of one item in turn.</summary>
    private static IEnumerable<IReadOnlyList<object?>> Combine(IReadOnlyList<Result> items)
    {
        var first = items.Select(i => i.Values.FirstOrDefault()).ToList();
        yield return first;
        var produced = 1;
        for (var i = 0; i < items.Count; i++)
            foreach (var other in items[i].Values.Skip(1))
            {
                if (++produced > MaxVariants) yield break;
                var copy = first.ToList();
                copy[i] = other;
                yield return copy;
            }
    }

    private static Type? RuntimeType(INamedTypeSymbol? type)
    {
        if (type is null) return null;
        var names = new Stack<string>();
        for (var t = type; t is not null; t = t.ContainingType) names.Push(t.MetadataName);
        var ns = type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString() + ".";
        var name = ns + string.Join('+', names);
        return App.GetType(name) ?? Type.GetType(name) ?? AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(name)).FirstOrDefault(t => t is not null);
    }

    /// <summary>Compile diagnostics, for a test that the source was read in a form the semantic model understands.</summary>
    public IEnumerable<Diagnostic> Errors() => _compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error);
}
