// Run by Maven after the shaded jar is made (cli/pom.xml): picocli is compiled for Java 5 (class version 49), and
// the JDK's start-up cache (the AOT cache bin/chaos trains for short commands) does not keep classes that old, so
// every `chaos validate` loaded and verified its ~170 picocli classes from the jar (about 50 ms). This rewrites them
// to class version 52 with stack map frames (computed by ASM, as a Java 8 compiler would have written them); the
// instructions are untouched. Classes already at 50 or newer are left as they are, so a newer picocli is a no-op.
import groovyjarjarasm.asm.ClassReader
import groovyjarjarasm.asm.ClassVisitor
import groovyjarjarasm.asm.ClassWriter
import groovyjarjarasm.asm.Opcodes

import java.nio.file.FileSystems
import java.nio.file.Files
import java.nio.file.Path

Path jar = Path.of(project.build.directory, 'chaos.jar')
int rewritten = 0
def classes = new URLClassLoader([jar.toUri().toURL()] as URL[], (ClassLoader) null)
try {
    FileSystems.newFileSystem(jar).withCloseable { fs ->
        def root = fs.getPath('/picocli')
        if (!Files.isDirectory(root)) throw new IllegalStateException("no picocli classes in ${jar}")
        def files = Files.walk(root).withCloseable { s -> s.filter { it.toString().endsWith('.class') }.toList() }
        for (Path p : files) {
            def reader = new ClassReader(Files.readAllBytes(p))
            if (reader.readUnsignedShort(6) >= Opcodes.V1_6) continue // the major version: new enough to be cached
            def writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
                @Override
                protected ClassLoader getClassLoader() { classes }
            }
            reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
                @Override
                void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                    super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces)
                }
            }, ClassReader.SKIP_FRAMES)
            Files.write(p, writer.toByteArray())
            rewritten++
        }
    }
} finally {
    classes.close()
}
log.info("picocli: ${rewritten} classes rewritten to class version 52 in ${jar.fileName}")
