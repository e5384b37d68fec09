import os
name = "x"
print(f"{os.system('id')}")
