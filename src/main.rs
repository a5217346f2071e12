fn main() {
    println!("nianbao: under construction");
}
